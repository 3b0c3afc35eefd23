using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Account;

/// <summary>Step one: the password. Success only opens the second step (a short-lived cookie limited to /staff/login).</summary>
public sealed class LoginModel(StaffAccounts accounts, AuditLog audit) : StaffPage
{
    public string? Error { get; private set; }
    public string? Wait { get; private set; }
    public string? LoginName { get; private set; }

    public void OnGet(string? wait) => (Error, Wait) = wait is { Length: > 0 and < 20 } ? ("login.wait", wait) : (null, null);

    public async Task<IActionResult> OnPostAsync(string? login, string? password)
    {
        LoginName = login;
        var result = accounts.SignInWithPassword(login, password ?? "", SignInSteps.ClientIp(HttpContext), SignInSteps.Device(HttpContext));
        switch (result.Check)
        {
            case SignInCheck.Wait:
                // The same words and the same (short) time whether the login exists or not: it was not even looked up.
                audit.Write("?", "login.throttled");
                (Error, Wait) = ("login.wait", SignInSteps.Minutes(result.Wait));
                return Page();
            case SignInCheck.Wrong:
                // Whatever was typed stays out of the log: it may be someone's name or number.
                audit.Write(result.Account?.Id ?? "?", result.Account is null ? "login.unknown" : "login.password_failed");
                Error = "login.wrong";
                return Page();
        }
        var account = result.Account!;
        await HttpContext.SignInAsync(StaffAuth.PendingScheme, StaffAuth.PendingPrincipal(account));
        return Redirect(account.MustChangePassword ? "/staff/login/password" : account.TotpConfirmed ? "/staff/login/code" : "/staff/login/enrol");
    }
}

/// <summary>What the sign-in steps share: who is asking from where, and how the last step ends.</summary>
public static class SignInSteps
{
    /// <summary>The client as the forwarded-headers middleware sees it (the proxy's client when the proxy is trusted).</summary>
    public static string ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public static string? Device(HttpContext http) => http.Request.Cookies[StaffAccounts.DeviceCookie];

    /// <summary>Rounded up, never "0": "1", "2", … minutes, or seconds below one.</summary>
    public static string Minutes(TimeSpan wait) =>
        wait < TimeSpan.FromMinutes(1) ? $"{Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s" : $"{(int)Math.Ceiling(wait.TotalMinutes)} min";

    public static async Task<IActionResult> CompleteAsync(HttpContext http, StaffAccount account, AuditLog audit, StaffAccounts accounts)
    {
        await http.SignOutAsync(StaffAuth.PendingScheme);
        await http.SignInAsync(StaffAuth.Scheme, StaffAuth.Principal(account));
        // This browser is now known for this login: a stranger's guesses elsewhere will not slow it down.
        http.Response.Cookies.Append(StaffAccounts.DeviceCookie, accounts.IssueDevice(account.Id), new CookieOptions
        {
            Path = "/staff/login", HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Strict, MaxAge = TimeSpan.FromDays(180), IsEssential = true,
        });
        audit.Write(account.Id, "login");
        return new RedirectResult("/staff");
    }

    public static async Task<IActionResult> WaitAsync(HttpContext http, TimeSpan wait)
    {
        await http.SignOutAsync(StaffAuth.PendingScheme);
        return new RedirectResult("/staff/login?wait=" + Uri.EscapeDataString(Minutes(wait)));
    }
}
