using System.Net;
using System.Text.RegularExpressions;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Members;
using Jasmine.Bots.Reports;
using Jasmine.Bots.Staff;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using OtpNet;

namespace Jasmine.Bots.Tests.Staff;

/// <summary>A person at the console over HTTP: keeps cookies, follows the forms' antiforgery tokens, reads codes off the authenticator.</summary>
public sealed partial class StaffClient(JasmineFactory host, HttpClient http)
{
    public const string NewPassword = "a long sentence, easy to remember";

    public HttpClient Http => http;
    public string? Login { get; private set; }

    public static StaffClient Anonymous(JasmineFactory host) =>
        new(host, host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));

    /// <summary>Creates the account with the CLI, then goes through the whole first login (new password, enrolment).</summary>
    public static async Task<StaffClient> SignedInAsync(JasmineFactory host, string login, StaffRole role)
    {
        var password = await AddAccountAsync(host, login, role);
        var client = Anonymous(host);
        await client.FirstLoginAsync(login, password);
        return client;
    }

    public static async Task<string> AddAccountAsync(JasmineFactory host, string login, StaffRole role)
    {
        var output = new StringWriter();
        var roleName = role switch { StaffRole.FollowUp => "followup", _ => role.ToString().ToLowerInvariant() };
        Assert.Equal(0, await host.Get<AdminCommands>().RunAsync(["staff", "add", login, "--role", roleName], output, CancellationToken.None));
        return output.ToString().TrimEnd().Split('\n')[^1].Trim();
    }

    public async Task FirstLoginAsync(string login, string oneTimePassword)
    {
        Login = login;
        var r = await PostFormAsync("/staff/login", new() { ["login"] = login, ["password"] = oneTimePassword });
        Assert.Equal("/staff/login/password", r.Headers.Location?.OriginalString);
        r = await PostFormAsync("/staff/login/password", new() { ["password"] = NewPassword, ["confirm"] = NewPassword });
        Assert.Equal("/staff/login/enrol", r.Headers.Location?.OriginalString);
        var enrol = await GetPageAsync("/staff/login/enrol");
        Assert.Contains("data:image/png;base64,", enrol);
        r = await PostFormAsync("/staff/login/enrol", new() { ["code"] = Code(login) });
        Assert.Equal("/staff", r.Headers.Location?.OriginalString);
    }

    public async Task<HttpResponseMessage> PasswordStepAsync(string login, string password)
    {
        Login = login;
        return await PostFormAsync("/staff/login", new() { ["login"] = login, ["password"] = password });
    }

    /// <summary>The current code, or the next one when the current was already used (codes are single-use).</summary>
    public string Code(string login)
    {
        var accounts = host.Get<StaffAccounts>();
        var account = accounts.Find(login)!;
        var now = DateTime.UtcNow;
        var step = (long)(now - DateTime.UnixEpoch).TotalSeconds / 30;
        var at = step > account.LastTotpStep ? now : DateTime.UnixEpoch.AddSeconds((account.LastTotpStep + 1) * 30 + 1);
        return new Totp(accounts.Secret(account)).ComputeTotp(at);
    }

    public async Task<string> GetPageAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await http.GetAsync(path);
        // Decoded as a reader sees it (Razor encodes "+" and accents).
        var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.True(expected == response.StatusCode, $"GET {path}: expected {expected}, got {(int)response.StatusCode} {response.Headers.Location}");
        return body;
    }

    /// <summary>Posts a form of the page (the page is fetched first for its antiforgery token, as a browser would).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields, string? formPage = null)
    {
        var page = await http.GetAsync(formPage ?? PathOnly(path));
        var token = Token(await page.Content.ReadAsStringAsync());
        fields["__RequestVerificationToken"] = token ?? throw new Xunit.Sdk.XunitException($"No antiforgery token on {formPage ?? path} ({(int)page.StatusCode})");
        return await http.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    public async Task<string> PostAndFollowAsync(string path, Dictionary<string, string> fields, string? formPage = null)
    {
        var r = await PostFormAsync(path, fields, formPage);
        if (r.StatusCode == HttpStatusCode.Redirect) return await GetPageAsync(r.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync());
    }

    public static string? Token(string html) => TokenPattern().Match(html) is { Success: true } m ? m.Groups[1].Value : null;

    private static string PathOnly(string path) => path.Split('?')[0];

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

/// <summary>Data the console works on, made through the same services the bot uses.</summary>
public static class StaffData
{
    public static async Task<string> MemberAsync(JasmineFactory host, string from, string pseudonym = "Lili", string area = "75", string? code = null)
    {
        var chat = host.Chat(from);
        await chat.Join(code ?? host.NewInvite(), pseudonym: pseudonym, area: area);
        return host.Get<MemberService>().FindByAddress("try:" + from)!.Id;
    }

    public static ReportDoc Report(JasmineFactory host, string identifier, string[] categories, string? reporterId = null, bool wantsContact = false,
        string departement = "75", string? freeText = "He was violent near the station", DateOnly? date = null)
    {
        var ids = host.Get<IdentifierParser>().Extract(identifier);
        return host.Get<ReportService>().Save(new NewReport(reporterId, false, ids, "tall, red cap", categories, null,
            date ?? DateOnly.FromDateTime(DateTime.UtcNow), departement, "Paris 11e", freeText, wantsContact,
            wantsContact ? "chat:try:victim" : null, wantsContact ? "evenings" : null, "en"));
    }
}
