using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Account;

public sealed class LogoutModel(StaffAccounts accounts) : StaffPage
{
    public IActionResult OnGet() => Redirect("/staff");

    public async Task<IActionResult> OnPostAsync()
    {
        var result = await HttpContext.AuthenticateAsync(StaffAuth.Scheme);
        if (result.Principal?.Identity?.Name is { } login)
        {
            // Server-side: a copy of the cookie (another tab, a stolen one) stops working too.
            accounts.RevokeSessions(login);
            Audit.Write(login, "logout");
        }
        await HttpContext.SignOutAsync(StaffAuth.Scheme);
        return Redirect("/staff/login");
    }
}
