using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Account;

public sealed class LogoutModel : StaffPage
{
    public IActionResult OnGet() => Redirect("/staff");

    public async Task<IActionResult> OnPostAsync()
    {
        var result = await HttpContext.AuthenticateAsync(StaffAuth.Scheme);
        if (result.Principal?.Identity?.Name is { } login) Audit.Write(login, "logout");
        await HttpContext.SignOutAsync(StaffAuth.Scheme);
        return Redirect("/staff/login");
    }
}
