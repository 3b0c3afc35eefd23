using Jasmine.Bots.Help;
using Jasmine.Bots.Places;
using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Services;

/// <summary>The support directory the bot's "help near me" answers from (the store built on the help branch).</summary>
public sealed class ServicesIndexModel(SupportServiceStore directory) : StaffPage
{
    public IReadOnlyList<SupportService> Services { get; private set; } = [];

    public void OnGet() => Services = directory.List();

    public IActionResult OnPostHide(string id, bool hidden)
    {
        if (!directory.Hide(id, hidden)) return NotFound();
        return Done(hidden ? "service.hidden_done" : "service.shown_done", hidden ? "service.hide" : "service.show", id);
    }
}
