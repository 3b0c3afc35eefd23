using System.Diagnostics;
using System.Net;
using Jasmine.Bots.Staff;
using Jasmine.Bots.Tests.Staff;
using Jasmine.Bots.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Jasmine.Bots.Tests.Security;

/// <summary>Issue 12, findings 2, 3 and 5: staff lock-out, lock-out as a weapon, login enumeration, sessions.</summary>
public sealed class StaffLoginSecurityTests : IDisposable
{
    private readonly JasmineFactory _owner = new(new() { ["Jasmine:KnownProxies:0"] = "127.0.0.1" },
        services: s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, PeerAddress>());

    private HttpClient Browser() => _owner.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private StaffClient Client(HttpClient? http = null) => new(_owner, http ?? Browser());

    private async Task<HttpResponseMessage> TryPassword(HttpClient http, string login, string password, string peer)
    {
        var page = await http.GetAsync("/staff/login");
        var token = StaffClient.Token(await page.Content.ReadAsStringAsync())!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/staff/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["login"] = login, ["password"] = password, ["__RequestVerificationToken"] = token }),
        };
        request.Headers.Add(PeerAddress.Header, peer);
        return await http.SendAsync(request);
    }

    private static async Task<string> Text(HttpResponseMessage r) => WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync());

    private async Task<StaffClient> SignedIn(string login, StaffRole role)
    {
        var password = await StaffClient.AddAccountAsync(_owner, login, role);
        var client = Client();
        await client.FirstLoginAsync(login, password);
        return client;
    }

    [Fact]
    public async Task Fifty_nine_parallel_wrong_passwords_are_all_counted_and_the_right_one_then_waits()
    {
        await SignedIn("ana", StaffRole.Admin);
        var attacker = Browser();
        var page = await attacker.GetAsync("/staff/login");
        var token = StaffClient.Token(await page.Content.ReadAsStringAsync())!;
        var attempts = Enumerable.Range(0, 59).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/staff/login")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["login"] = "ana", ["password"] = "guess " + i, ["__RequestVerificationToken"] = token }),
            };
            // From many addresses, as a botnet would: only the login's own count can stop it.
            request.Headers.Add(PeerAddress.Header, $"203.0.113.{i + 1}");
            return await Text(await attacker.SendAsync(request));
        }).ToList();
        var answers = await Task.WhenAll(attempts);

        var throttle = _owner.Get<LoginThrottle>();
        var verified = _owner.Get<AuditLog>().Entries.FindAll().Count(e => e.Action == "login.password_failed");
        // Counted before the hash: only the free attempts and the first delayed one were ever checked.
        Assert.True(verified <= LoginThrottle.FreeAttemptsPerLogin + 1, $"{verified} guesses were checked");
        Assert.True(answers.Count(a => a.Contains("Attendez")) >= 59 - LoginThrottle.FreeAttemptsPerLogin - 1);
        Assert.True(throttle.Failures(throttle.LoginKey("password", "ana", null)) > LoginThrottle.FreeAttemptsPerLogin);

        var right = await TryPassword(Browser(), "ana", StaffClient.NewPassword, "198.51.100.7");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("Attendez", await Text(right));
    }

    [Fact]
    public async Task Someone_else_guessing_neither_ends_her_open_session_nor_slows_down_her_own_browser()
    {
        var ana = await SignedIn("ana", StaffRole.Admin);
        var attacker = Browser();
        for (var i = 0; i < 12; i++) await TryPassword(attacker, "ana", "guess " + i, "203.0.113.9");

        // Her session goes on.
        Assert.Equal(HttpStatusCode.OK, (await ana.Http.GetAsync("/staff")).StatusCode);
        // The attacker's browser must wait, even with the right password.
        Assert.Contains("Attendez", await Text(await TryPassword(attacker, "ana", StaffClient.NewPassword, "203.0.113.9")));
        // Her own browser (where she completed a login before) is counted apart: she signs in again at once.
        var r = await TryPassword(ana.Http, "ana", StaffClient.NewPassword, "127.0.0.1");
        Assert.Equal("/staff/login/code", r.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Known_and_unknown_logins_get_the_same_words_the_same_throttling_and_comparable_time()
    {
        await SignedIn("ana", StaffRole.Admin);
        var known = new List<string>();
        var unknown = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            known.Add(Normalise(await Text(await TryPassword(Browser(), "ana", "wrong", $"198.51.100.{i + 1}"))));
            unknown.Add(Normalise(await Text(await TryPassword(Browser(), "nobody-here", "wrong", $"198.51.100.{i + 101}"))));
        }
        Assert.Equal(known, unknown);
        Assert.Contains(known, a => a.Contains("Identifiant ou mot de passe incorrect"));
        Assert.Contains(known, a => a.Contains("Attendez"));

        // Side by side, interleaved: an unknown login costs a password hash too (it used to answer ~35 times faster).
        var knownMs = new List<double>();
        var unknownMs = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            knownMs.Add(await Time(() => TryPassword(Browser(), "ana-" + i, "wrong", $"192.0.2.{i + 1}")));
            await StaffClient.AddAccountAsync(_owner, "bob-" + i, StaffRole.Moderator);
            knownMs.Add(await Time(() => TryPassword(Browser(), "bob-" + i, "wrong", $"192.0.2.{i + 11}")));
            unknownMs.Add(await Time(() => TryPassword(Browser(), "ghost-" + i, "wrong", $"192.0.2.{i + 21}")));
            unknownMs.Add(await Time(() => TryPassword(Browser(), "ghost-b-" + i, "wrong", $"192.0.2.{i + 31}")));
        }
        Assert.True(Median(unknownMs) > 0.4 * Median(knownMs), $"unknown {Median(unknownMs):F1} ms vs known {Median(knownMs):F1} ms");
    }

    [Fact]
    public async Task One_address_trying_many_logins_is_slowed_down_and_another_address_is_not()
    {
        var statuses = new List<string>();
        for (var i = 0; i < LoginThrottle.FreeAttemptsPerAddress + 3; i++)
            statuses.Add(await Text(await TryPassword(Browser(), "user" + i, "wrong", "203.0.113.50")));
        Assert.Contains("Attendez", statuses[^1]);
        Assert.DoesNotContain("Wait", statuses[0]);
        Assert.DoesNotContain("Wait", await Text(await TryPassword(Browser(), "user-x", "wrong", "203.0.113.51")));
    }

    [Fact]
    public async Task Logout_ends_every_session_of_the_account_including_a_copied_cookie()
    {
        await SignedIn("ana", StaffRole.Admin);
        // A browser whose cookie jar the test can read, to copy the session cookie as a thief would.
        var jar = new CookieContainer();
        var ana = new StaffClient(_owner, new HttpClient(new CookieRelay(_owner.Server.CreateHandler(), jar)) { BaseAddress = new Uri("http://localhost") });
        Assert.Equal("/staff/login/code", (await ana.PasswordStepAsync("ana", StaffClient.NewPassword)).Headers.Location?.OriginalString);
        Assert.Equal("/staff", (await ana.PostFormAsync("/staff/login/code", new() { ["code"] = ana.Code("ana") })).Headers.Location?.OriginalString);
        var stolen = string.Join("; ", jar.GetCookies(new Uri("http://localhost/staff")).Select(c => $"{c.Name}={c.Value}"));

        var thief = _owner.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        async Task<HttpResponseMessage> WithStolen()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/staff");
            request.Headers.Add("Cookie", stolen);
            return await thief.SendAsync(request);
        }
        Assert.Equal(HttpStatusCode.OK, (await WithStolen()).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ana.PostFormAsync("/staff/logout", new(), formPage: "/staff")).StatusCode);
        var after = await WithStolen();
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/staff/login", after.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task A_reset_ends_her_sessions()
    {
        var bea = await SignedIn("bea", StaffRole.FollowUp);
        Assert.Equal(HttpStatusCode.OK, (await bea.Http.GetAsync("/staff")).StatusCode);
        await _owner.Get<Jasmine.Bots.Admin.AdminCommands>().RunAsync(["staff", "reset", "bea"], new StringWriter(), CancellationToken.None);
        Assert.Equal(HttpStatusCode.Redirect, (await bea.Http.GetAsync("/staff")).StatusCode);
    }

    [Fact]
    public async Task Behind_a_known_proxy_cookies_are_secure_and_hsts_is_sent_and_an_unknown_proxy_is_not_believed()
    {
        var http = Browser();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/staff/login"))
        {
            request.Headers.Host = "bot.example.org";
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "198.51.100.20");
            var r = await http.SendAsync(request);
            Assert.True(r.Headers.Contains("Strict-Transport-Security"), "no HSTS behind the TLS proxy");
            var setCookies = r.Headers.GetValues("Set-Cookie").ToList();
            Assert.NotEmpty(setCookies);
            Assert.All(setCookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/staff/login"))
        {
            request.Headers.Host = "bot.example.org";
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add(PeerAddress.Header, "203.0.113.77"); // not the configured proxy
            var r = await Browser().SendAsync(request);
            Assert.False(r.Headers.Contains("Strict-Transport-Security"));
            Assert.All(r.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
        }
    }

    private sealed class CookieRelay(HttpMessageHandler inner, System.Net.CookieContainer jar) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var header = jar.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0) request.Headers.Add("Cookie", header);
            var response = await base.SendAsync(request, ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
                foreach (var v in values) jar.SetCookies(request.RequestUri!, v);
            return response;
        }
    }

    private static string Normalise(string html)
    {
        var m = System.Text.RegularExpressions.Regex.Match(html, "role=\"alert\"[^>]*>([^<]*)<");
        return m.Success ? System.Text.RegularExpressions.Regex.Replace(m.Groups[1].Value, @"\d+ (s|min)", "N") : "";
    }

    private static async Task<double> Time(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    public void Dispose()
    {
        _owner.Dispose();
    }
}
