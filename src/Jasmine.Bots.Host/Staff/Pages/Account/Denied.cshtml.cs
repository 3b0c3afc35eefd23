namespace Jasmine.Bots.Staff.Pages.Account;

public sealed class DeniedModel : StaffPage
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
