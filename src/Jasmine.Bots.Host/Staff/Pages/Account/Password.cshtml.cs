using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Account;

/// <summary>The one-time password printed by "staff add" is replaced before anything else.</summary>
public sealed class PasswordModel(StaffAccounts accounts) : StaffPage
{
    public string? Error { get; private set; }

    public IActionResult OnGet() => accounts.Find(Who) is { MustChangePassword: true } ? Page() : Redirect("/staff/login/code");

    public IActionResult OnPost(string? password, string? confirm)
    {
        var account = accounts.Find(Who);
        if (account is null || !account.MustChangePassword) return Redirect("/staff/login");
        password ??= "";
        Error = password != confirm ? "password.mismatch" : StaffAccounts.PasswordProblem(password);
        if (Error is not null) return Page();
        accounts.ChangePassword(account, password);
        Record("staff.password_changed", account.Id);
        return Redirect(account.TotpConfirmed ? "/staff/login/code" : "/staff/login/enrol");
    }
}
