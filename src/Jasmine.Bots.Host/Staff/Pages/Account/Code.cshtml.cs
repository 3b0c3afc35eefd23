using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Account;

/// <summary>Step two: the authenticator code. Wrong codes are throttled like wrong passwords.</summary>
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
        var result = accounts.SignInWithCode(account.Id, code ?? "", SignInSteps.ClientIp(HttpContext), SignInSteps.Device(HttpContext));
        if (result.Check == SignInCheck.Ok) return await SignInSteps.CompleteAsync(HttpContext, result.Account!, audit, accounts);
        audit.Write(account.Id, result.Check == SignInCheck.Wait ? "login.throttled" : "login.code_failed");
        if (result.Check == SignInCheck.Wait) return await SignInSteps.WaitAsync(HttpContext, result.Wait);
        Error = "code.wrong";
        return Page();
    }
}
