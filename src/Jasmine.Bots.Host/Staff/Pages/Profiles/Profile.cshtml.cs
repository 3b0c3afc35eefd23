using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Profiles;

public sealed class ProfileModel(Moderation moderation) : StaffPage
{
    public ProfileView? View { get; private set; }

    public IActionResult OnGet(string id)
    {
        View = moderation.Profile(id);
        if (View is null) return NotFound();
        Record("profile.view", id);
        return Page();
    }
}
