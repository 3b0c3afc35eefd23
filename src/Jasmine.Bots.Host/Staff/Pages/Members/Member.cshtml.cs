using Jasmine.Bots.Domain;
using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Members;

/// <summary>A member by pseudonym: suspend, reactivate, erase (after showing what happens to those she invited).</summary>
public sealed class MemberModel(MemberAdmin members) : StaffPage
{
    public MemberRow? Row { get; private set; }
    public IReadOnlyList<MemberRow> Invited { get; private set; } = [];
    public int InvitesLeft { get; private set; }
    public bool ConfirmErase { get; private set; }

    public IActionResult OnGet(string id)
    {
        if (!Load(id)) return NotFound();
        Record("member.view", id);
        return Page();
    }

    public IActionResult OnPostStatus(string id, bool suspend)
    {
        if (!Load(id)) return NotFound();
        members.SetStatus(id, suspend ? MemberStatus.Suspended : MemberStatus.Active);
        return Done(suspend ? "member.suspended" : "member.reactivated", suspend ? "member.suspend" : "member.reactivate", id, null, new { id });
    }

    public IActionResult OnPostErase(string id, bool confirmed)
    {
        if (!Load(id)) return NotFound();
        if (!confirmed) { ConfirmErase = true; return Page(); }
        members.Erase(id);
        return Done("member.erased", "member.erase", id, "/Members/Index");
    }

    private bool Load(string id)
    {
        Row = members.Get(id);
        if (Row is null) return false;
        Invited = members.InvitedBy(id);
        InvitesLeft = members.InvitesLeft(Row.Member);
        return true;
    }
}
