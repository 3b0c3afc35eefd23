using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Account;

/// <summary>Step two: the authenticator code. Wrong codes count towards the same lock-out as wrong passwords.</summary>
public sealed class CodeModel(StaffAccounts accounts, AuditLog audit) : StaffPage
{
    public string? Error { get; private set; }

    public IActionResult OnGet()
    {
        var account = accounts.Find(Who);
        if (account is null) return Redirect("/staff/login");
        if (account.MustChangePassword) return Redirect("/staff/login/password");
        return account.TotpConfirmed ? Page() : Redirect("/staff/login/enrol");
    }

    public async Task<IActionResult> OnPostAsync(string? code)
    {
        var account = accounts.Find(Who);
        if (account is null || account.MustChangePassword || !account.TotpConfirmed) return Redirect("/staff/login");
        var check = accounts.CheckCode(account, code ?? "");
        if (check == SignInCheck.Ok) return await CompleteAsync(HttpContext, account, audit);
        audit.Write(account.Id, check == SignInCheck.LockedOut ? "login.locked_out" : "login.code_failed");
        if (check == SignInCheck.LockedOut) return await LockedAsync(HttpContext);
        Error = "code.wrong";
        return Page();
    }

    public static async Task<IActionResult> CompleteAsync(HttpContext http, StaffAccount account, AuditLog audit)
    {
        await http.SignOutAsync(StaffAuth.PendingScheme);
        await http.SignInAsync(StaffAuth.Scheme, StaffAuth.Principal(account));
        audit.Write(account.Id, "login");
        return new RedirectResult("/staff");
    }

    public static async Task<IActionResult> LockedAsync(HttpContext http)
    {
        await http.SignOutAsync(StaffAuth.PendingScheme);
        return new RedirectResult("/staff/login?locked=1");
    }
}
