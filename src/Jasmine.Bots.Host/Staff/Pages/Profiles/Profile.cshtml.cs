using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Profiles;

public sealed class ProfileModel(Moderation moderation, RepeatOffenders repeats) : StaffPage
{
    public ProfileView? View { get; private set; }
    public ProfileFlagDoc? Flag { get; private set; }

    public IActionResult OnGet(string id)
    {
        View = moderation.Profile(id);
        if (View is null) return NotFound();
        Flag = repeats.Of(id);
        Record("profile.view", id);
        return Page();
    }
}
