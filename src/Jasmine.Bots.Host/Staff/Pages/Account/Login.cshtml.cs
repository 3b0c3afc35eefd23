using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Account;

/// <summary>Step one: the password. Success only opens the second step (a short-lived cookie limited to /staff/login).</summary>
public sealed class LoginModel(StaffAccounts accounts, AuditLog audit) : StaffPage
{
    public string? Error { get; private set; }
    public string? LoginName { get; private set; }

    public void OnGet(string? locked) => Error = locked == "1" ? "login.locked" : null;

    public async Task<IActionResult> OnPostAsync(string? login, string? password)
    {
        LoginName = login;
        var account = string.IsNullOrWhiteSpace(login) ? null : accounts.Find(login);
        if (account is null)
        {
            // Whatever was typed stays out of the log: it may be someone's name or number.
            audit.Write("?", "login.unknown");
            Error = "login.wrong";
            return Page();
        }
        switch (accounts.CheckPassword(account, password ?? ""))
        {
            case SignInCheck.LockedOut:
                audit.Write(account.Id, "login.locked_out");
                Error = "login.locked";
                return Page();
            case SignInCheck.Wrong:
                audit.Write(account.Id, "login.password_failed");
                Error = "login.wrong";
                return Page();
        }
        await HttpContext.SignInAsync(StaffAuth.PendingScheme, StaffAuth.PendingPrincipal(account));
        return Redirect(account.MustChangePassword ? "/staff/login/password" : account.TotpConfirmed ? "/staff/login/code" : "/staff/login/enrol");
    }
}
