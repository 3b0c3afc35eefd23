using System.Text.RegularExpressions;
using Jasmine.Bots.Alerts;
using Jasmine.Bots.Domain;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Staff;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Jasmine.Bots.Tests.Staff;

/// <summary>The real host on a real port and Debian's Chromium, headless: one host and one browser for the whole class.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public JasmineFactory Host { get; } = new();
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");
    private IPlaywright? _playwright;

    public async Task InitializeAsync()
    {
        Host.UseKestrel(0);
        Host.StartServer();
        var address = Host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        Directory.CreateDirectory(Screenshots);
        // The system Chromium: no browser download, ever.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context logged in through the real pages: one-time password, new password, QR enrolment, code.</summary>
    public async Task<IPage> SignInAsync(string login, StaffRole role)
    {
        var password = await StaffClient.AddAccountAsync(Host, login, role);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(BaseUrl + "/staff");
        await page.GetByLabel("Login").FillAsync(login);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await page.GetByLabel("New password").FillAsync(StaffClient.NewPassword);
        await page.GetByLabel("Type it again").FillAsync(StaffClient.NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the password" }).ClickAsync();
        await Assertions.Expect(page.GetByAltText("QR code to scan with the authenticator app")).ToBeVisibleAsync();
        var accounts = Host.Get<StaffAccounts>();
        // What the phone would show: the secret read back through the store's protector.
        var code = new OtpNet.Totp(accounts.Secret(accounts.Find(login)!)).ComputeTotp(DateTime.UtcNow);
        await page.GetByLabel("6-digit code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Hello {login}" })).ToBeVisibleAsync();
        return page;
    }

    public Task ShotAsync(IPage page, string name) => page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        Host.Dispose();
    }
}

public sealed class StaffBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private JasmineFactory Host => fixture.Host;

    [Fact]
    public async Task A_moderator_logs_in_with_two_factors_and_classifying_very_dangerous_queues_the_push_warning()
    {
        await StaffData.MemberAsync(Host, "browser-paris", area: "75");
        var report = StaffData.Report(Host, "0644556677", [ReportCategories.Rape]);
        var page = await fixture.SignInAsync("moira", StaffRole.Moderator);

        await page.Locator("header nav").GetByRole(AriaRole.Link, new() { Name = "Review", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = report.Reference }).ClickAsync();
        await Assertions.Expect(page.Locator(".identifier").First).ToHaveTextAsync("+33 6 44 55 66 77");
        await page.GetByLabel("very dangerous").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Set the classification" }).ClickAsync();
        await Assertions.Expect(page.GetByText(new Regex(@"sends a warning to \d+ member"))).ToBeVisibleAsync();
        await fixture.ShotAsync(page, "classify-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, classify and warn" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("push warning");

        var fanout = Assert.Single(Host.Get<WarningsService>().Fanouts.FindAll(), f => f.ProfileId == report.ProfileId);
        Assert.Equal(report.ProfileId, fanout.ProfileId);
        var status = new StringWriter();
        await Host.Get<Jasmine.Bots.Admin.AdminCommands>().RunAsync(["warnings", "status"], status, CancellationToken.None);
        Assert.Contains(fanout.Id[..8], status.ToString());
    }

    [Fact]
    public async Task Follow_up_staff_acknowledge_a_case_in_the_browser()
    {
        var victimId = await StaffData.MemberAsync(Host, "browser-victim");
        var report = StaffData.Report(Host, "0611229988", [ReportCategories.SexualAggression], reporterId: victimId, wantsContact: true);
        await Eventually.True(() => Host.Get<CaseService>().ByReference(report.Reference) is not null, "a case is opened");
        var page = await fixture.SignInAsync("fatou", StaffRole.FollowUp);

        await page.Locator("header nav").GetByRole(AriaRole.Link, new() { Name = "Follow-up", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = report.Reference }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "I take this case" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Case acknowledged");
        await page.GetByLabel("Message to her").FillAsync("Hello, I am from the team. When can we talk?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Assertions.Expect(page.Locator(".conversation")).ToContainTextAsync("When can we talk?");
        await fixture.ShotAsync(page, "case");
        Assert.Equal(CaseStatus.Acknowledged, Host.Get<CaseService>().ByReference(report.Reference)!.Status);
    }

    [Fact]
    public async Task An_admin_issues_an_invite_code_and_sees_the_statistics_chart()
    {
        var store = Host.Get<JasmineStore>();
        var now = DateTime.UtcNow;
        // Enough made-up counts for a chart worth looking at; the small ones must stay out of it.
        for (var i = 0; i < 6; i++)
        {
            var m = now.AddMonths(-i).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
            store.Increment($"reports:{m}:{ReportCategories.Harassment}", 6 + i);
            store.Increment($"reports:{m}:{ReportCategories.Timewaster}", 9 + 2 * i);
            store.Increment($"reports:{m}:{ReportCategories.Theft}", 3);
            store.Increment($"matches:{m}", 20 + i);
        }
        var page = await fixture.SignInAsync("ada", StaffRole.Admin);

        await page.GotoAsync(fixture.BaseUrl + "/staff/members/invites");
        await page.GetByLabel("How many").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue the codes" }).ClickAsync();
        var codes = await page.Locator(".invite-code").AllTextContentsAsync();
        Assert.Equal(2, codes.Count);
        Assert.All(codes, c => Assert.NotNull(Host.Get<Jasmine.Bots.Members.MemberService>().FindValidInvite(c)));

        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        await page.Locator("header nav").GetByRole(AriaRole.Link, new() { Name = "Statistics" }).ClickAsync();
        await Assertions.Expect(page.Locator("#reports-table")).ToContainTextAsync("<5");
        // Chart.js drew on the canvas (no inline script: the CSP would have blocked it).
        await page.WaitForFunctionAsync("() => window.Chart && Chart.getChart(document.getElementById('reports-chart')) !== undefined");
        var drawn = await page.EvaluateAsync<int>("() => Chart.getChart(document.getElementById('reports-chart')).data.datasets.filter(d => d.data.some(v => v !== null)).length");
        Assert.Equal(2, drawn);
        Assert.Empty(errors);
        await fixture.ShotAsync(page, "statistics");

        await page.GotoAsync(fixture.BaseUrl + "/staff/jobs");
        await Assertions.Expect(page.GetByText("Jasmine jobs").First).ToBeVisibleAsync();
    }

    /// <summary>
    /// The whole promise, as the issue tells it: a beating and a theft with SMS contact and nobody on call; the case is
    /// first on the home page, follow-up staff see her number and her language, send a phrase in Romanian and close it;
    /// a second member names the same number and the profile is flagged; partial search by the last 4 digits finds it;
    /// the period report for a seeded year shows the change against the year before.
    /// </summary>
    [Fact]
    public async Task A_non_severe_report_with_sms_contact_is_followed_up_in_her_language_and_the_repeat_is_found_by_partial_search()
    {
        var ioana = Host.Chat("walk-ioana");
        await ioana.Join(Host.NewInvite(), "Română");
        var reference = await Jasmine.Bots.Tests.FollowUp.ReportSteps.FileAsync(ioana, "0633221100", ["5", "7"], "sms:0698765400");
        var doc = Host.Get<CaseService>().ByReference(reference)!;
        Assert.False(doc.Severe);

        var wanda = await fixture.SignInAsync("wanda", StaffRole.FollowUp);
        var queued = wanda.Locator("#queued-cases");
        await Assertions.Expect(queued).ToContainTextAsync(reference);
        await queued.GetByRole(AriaRole.Link, new() { Name = reference }).ClickAsync();
        await Assertions.Expect(wanda.Locator("#her-language")).ToHaveTextAsync("Română (ro)");
        await wanda.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Assertions.Expect(wanda.Locator(".identifier")).ToHaveTextAsync("+33 6 98 76 54 00");
        await wanda.GetByRole(AriaRole.Button, new() { Name = "I take this case" }).ClickAsync();
        await wanda.GetByRole(AriaRole.Button, new() { Name = "Are you safe now?" }).ClickAsync();
        await Assertions.Expect(wanda.GetByRole(AriaRole.Status)).ToContainTextAsync("Message queued for her");
        await Assertions.Expect(wanda.Locator(".conversation")).ToContainTextAsync("Ești în siguranță acum?");
        await Assertions.Expect(wanda.Locator(".conversation")).ToContainTextAsync("in Română (ro)");
        await fixture.ShotAsync(wanda, "case-in-her-language");
        await wanda.GetByLabel("Outcome").FillAsync("called back, referred to the CeGIDD");
        await wanda.GetByRole(AriaRole.Button, new() { Name = "Close the case" }).ClickAsync();
        await Assertions.Expect(wanda.GetByRole(AriaRole.Status)).ToContainTextAsync("Case closed");
        Assert.Equal(CaseStatus.Closed, Host.Get<CaseService>().ByReference(reference)!.Status);

        // She got the acknowledgement, then the phrase, in Romanian whatever the console's language.
        var shown = new List<string>();
        for (var i = 0; i < 200 && !shown.Any(t => t.Contains("Ești în siguranță acum?")); i++)
        {
            foreach (var notice in await ioana.Inbox())
                foreach (var show in notice.Choices.Where(c => c.Label.Contains("Arată")))
                    shown.AddRange((await ioana.Send(show.Value)).Select(r => r.Text));
            await Task.Delay(50);
        }
        Assert.Contains(shown, t => t.Contains("Ești în siguranță acum?"));

        var other = await StaffData.MemberAsync(Host, "walk-second");
        var second = StaffData.Report(Host, "06 33 22 11 00", [ReportCategories.Harassment], reporterId: other);
        Assert.Equal(doc.ReportId, Host.Get<Jasmine.Bots.Reports.ReportService>().FindByReference(reference)!.Id);

        var mina = await fixture.SignInAsync("mina", StaffRole.Moderator);
        await Assertions.Expect(mina.Locator("#flagged")).ToBeVisibleAsync();
        await mina.Locator("header nav").GetByRole(AriaRole.Link, new() { Name = "Profiles" }).ClickAsync();
        await mina.GetByText("Partial search (staff only)").ClickAsync();
        await mina.GetByLabel("Kind").SelectOptionAsync(new SelectOptionValue { Label = "Last digits of a phone number" });
        await mina.GetByLabel("Search for").FillAsync("1100");
        await mina.GetByRole(AriaRole.Button, new() { Name = "Search by fragment" }).ClickAsync();
        await mina.Locator("#found").GetByRole(AriaRole.Link, new() { Name = second.ProfileId[..8] }).ClickAsync();
        await Assertions.Expect(mina.Locator("#repeat-flag")).ToHaveTextAsync("reported by 2 members in 30 days");
        await fixture.ShotAsync(mina, "profile-flagged");
        Assert.Contains(Host.Get<AuditLog>().Latest(50), e => e.Who == "mina" && e.Action == "profile.partial-search" && e.Object == "phone");

        // A seeded year, far from the other tests' counters: 2019 against 2018.
        var store = Host.Get<JasmineStore>();
        for (var m = 1; m <= 12; m++)
        {
            store.Increment($"reports:2018-{m:00}:{ReportCategories.Timewaster}", 5);
            store.Increment($"reports:2019-{m:00}:{ReportCategories.Timewaster}", 6);
        }
        await mina.Locator("header nav").GetByRole(AriaRole.Link, new() { Name = "Statistics" }).ClickAsync();
        await mina.GetByRole(AriaRole.Link, new() { Name = "Period report" }).ClickAsync();
        await mina.GetByLabel("From month").FillAsync("2019-01");
        await mina.GetByLabel("To month").FillAsync("2019-12");
        await mina.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        var row = mina.Locator("tr[data-indicator='reports.timewaster']");
        await Assertions.Expect(row).ToContainTextAsync("72");
        await Assertions.Expect(row).ToContainTextAsync("60");
        await Assertions.Expect(row).ToContainTextAsync("+20 %");
        await mina.WaitForFunctionAsync("() => window.Chart && Chart.getChart(document.getElementById('period-chart')) !== undefined");
        await fixture.ShotAsync(mina, "period-report");
    }
}
