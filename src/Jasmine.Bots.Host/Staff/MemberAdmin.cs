using Jasmine.Bots.Conversations;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Members;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Staff;

/// <summary>A member as admins see her: pseudonym and codes, never a number or an address.</summary>
public sealed record MemberRow(MemberDoc Member, string Pseudonym, string? InvitedByPseudonym, int Invited);

public sealed record InviteBatch(IReadOnlyList<string> Codes, string? Refused);

public sealed class MemberAdmin(JasmineStore store, MemberService members, ConversationStore conversations)
{
    public IReadOnlyList<MemberRow> List()
    {
        var all = store.Members.FindAll().ToList();
        var names = all.ToDictionary(m => m.Id, members.Pseudonym);
        var invitedCounts = all.Where(m => m.InvitedBy is not null).GroupBy(m => m.InvitedBy!).ToDictionary(g => g.Key, g => g.Count());
        return all.Select(m => new MemberRow(m, names[m.Id], m.InvitedBy is { } by && names.TryGetValue(by, out var n) ? n : null, invitedCounts.GetValueOrDefault(m.Id)))
            .OrderBy(r => r.Pseudonym, StringComparer.CurrentCultureIgnoreCase).ToList();
    }

    public MemberRow? Get(string id) => List().FirstOrDefault(r => r.Member.Id == id);

    public IReadOnlyList<MemberRow> InvitedBy(string id) => List().Where(r => r.Member.InvitedBy == id).ToList();

    /// <summary>The referral tree: who let whom in. Roots are members who joined with a code issued by staff.</summary>
    public IReadOnlyList<(MemberRow Row, int Depth)> Tree()
    {
        var rows = List();
        var byParent = rows.ToLookup(r => r.Member.InvitedBy is { } p && rows.Any(x => x.Member.Id == p) ? p : "");
        var result = new List<(MemberRow, int)>();
        void Walk(string parent, int depth)
        {
            foreach (var r in byParent[parent])
            {
                result.Add((r, depth));
                if (depth < 50) Walk(r.Member.Id, depth + 1);
            }
        }
        Walk("", 0);
        return result;
    }

    public void SetStatus(string id, MemberStatus status)
    {
        var m = members.Find(id) ?? throw new KeyNotFoundException("No such member.");
        m.Status = status;
        members.Update(m);
    }

    /// <summary>Erases her as the bot's own "erase" does; the members she invited stay, no longer linked to her.</summary>
    public int Erase(string id)
    {
        if (members.Find(id) is null) throw new KeyNotFoundException("No such member.");
        var invited = store.Members.Find(m => m.InvitedBy == id).ToList();
        foreach (var m in invited)
        {
            m.InvitedBy = null;
            store.Members.Update(m);
        }
        foreach (var (_, urn) in members.Addresses(id).ToList()) conversations.Delete(urn);
        members.Erase(id);
        return invited.Count;
    }

    public IReadOnlyList<MemberRow> Organisations() => List().Where(r => r.Member.Role == MemberRole.Organisation && r.Member.Status == MemberStatus.Active).ToList();

    /// <summary>Codes issued by staff, or on behalf of an organisation within its quota.</summary>
    public InviteBatch Issue(MemberRole role, int count, string? onBehalfOf)
    {
        if (count is < 1 or > 100) return new InviteBatch([], "invites.count_invalid");
        if (onBehalfOf is null) return new InviteBatch(Enumerable.Range(0, count).Select(_ => members.CreateInvite(null, role)).ToList(), null);
        var org = members.Find(onBehalfOf);
        if (org is null || org.Role != MemberRole.Organisation) return new InviteBatch([], "invites.not_organisation");
        // An organisation's codes let members in, never staff.
        if (role != MemberRole.Member) return new InviteBatch([], "invites.org_members_only");
        if (members.InvitesLeft(org) < count) return new InviteBatch([], "invites.quota_exceeded");
        return new InviteBatch(Enumerable.Range(0, count).Select(_ => members.CreateInvite(org.Id, role)).ToList(), null);
    }

    public int InvitesLeft(MemberDoc member) => members.InvitesLeft(member);
}
