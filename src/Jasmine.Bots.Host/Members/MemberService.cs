using System.Security.Cryptography;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Members;

public sealed record NewMember(string Pseudonym, string Language, string? Departement, MemberRole Role, string? InvitedBy);

/// <summary>Members, their channel addresses and the invite codes that let them in.</summary>
public sealed class MemberService(JasmineStore store, MemberStore members, ReportStore reports, IOptions<JasmineOptions> options, TimeProvider time)
{
    // No 0/O, 1/I/L: codes are read aloud and typed on basic phones.
    private const string CodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    public MemberDoc? FindByAddress(string urn)
    {
        var address = members.Address(urn);
        return address is null ? null : members.Find(address.MemberId);
    }

    public MemberDoc? Find(string memberId) => members.Find(memberId);

    // Stripped on the way out too: pseudonyms stored before the join step stripped them.
    public string Pseudonym(MemberDoc member) => Text.BidiControls.Strip(members.Pseudonym(member));

    public IEnumerable<(AddressDoc Address, string Urn)> Addresses(string memberId) => members.Addresses(memberId);

    public AddressDoc? Address(string urn) => members.Address(urn);

    public void SetUnreachable(string urn, bool unreachable)
    {
        var address = Address(urn);
        if (address is null) return;
        address.Unreachable = unreachable;
        members.UpdateAddress(address);
    }

    public void Update(MemberDoc member) => members.Update(member);

    /// <summary>
    /// Her referral branch: the top of the chain of members who invited each other. Staff and organisations start a
    /// branch (they are vetted); a member's invitee joins her branch. Members from before branches are walked up once.
    /// </summary>
    public string BranchOf(MemberDoc member)
    {
        if (member.BranchId is { } known) return known;
        var current = member;
        for (var depth = 0; depth < 64 && current.Role == MemberRole.Member && current.InvitedBy is { } parentId; depth++)
        {
            if (members.Find(parentId) is not { Role: MemberRole.Member } parent) break;
            current = parent;
            if (parent.BranchId is { } parentBranch) return parentBranch;
        }
        return current.Id;
    }

    /// <summary>Why she may not vouch for someone now ("too_new", "branch_limit"), or null.</summary>
    public string? InviteRefusal(MemberDoc member)
    {
        if (member.Role != MemberRole.Member) return null;
        var now = time.GetUtcNow().UtcDateTime;
        if (member.JoinedAt > now.AddDays(-options.Value.Invites.NewMemberWaitDays)) return "too_new";
        var branch = BranchOf(member);
        var since = now.AddDays(-1);
        if (members.InvitesOfBranchSince(branch, since) >= options.Value.Invites.PerBranchPerDay) return "branch_limit";
        return null;
    }

    public string CreateInvite(string? issuedBy, MemberRole role)
    {
        // Always with a digit: the engine tells a code from a word ("JOIN K7Q2M9XD4P" vs "join us") by it.
        string code;
        do code = RandomNumberGenerator.GetString(CodeAlphabet, 10);
        while (!code.Any(char.IsAsciiDigit) || !code.Any(char.IsAsciiLetter));
        var now = time.GetUtcNow().UtcDateTime;
        var issuer = issuedBy is null ? null : members.Find(issuedBy);
        members.InsertInvite(code, new InviteDoc
        {
            IssuedBy = issuedBy,
            BranchId = issuer is { Role: MemberRole.Member } ? BranchOf(issuer) : null,
            Role = role,
            CreatedAt = now,
            ExpiresAt = now.AddDays(options.Value.Invites.ValidDays),
        });
        return code;
    }

    /// <summary>How many more codes this member may issue in the current 30-day window.</summary>
    public int InvitesLeft(MemberDoc member)
    {
        var quota = member.Role switch
        {
            MemberRole.Member => options.Value.Invites.MemberQuota,
            MemberRole.Organisation => options.Value.Invites.OrganisationQuota,
            _ => int.MaxValue,
        };
        if (quota == int.MaxValue) return quota;
        var since = time.GetUtcNow().UtcDateTime.AddDays(-30);
        var issued = members.InvitesIssuedSince(member.Id, since);
        return Math.Max(0, quota - issued);
    }

    public InviteDoc? FindValidInvite(string code)
    {
        var normalised = NormaliseCode(code);
        if (normalised is null) return null;
        var invite = members.Invite(normalised);
        var now = time.GetUtcNow().UtcDateTime;
        return invite is { UsedBy: null } && invite.ExpiresAt > now ? invite : null;
    }

    public static string? NormaliseCode(string code)
    {
        var c = new string(code.Trim().ToUpperInvariant().Where(ch => ch is not ('-' or ' ')).ToArray());
        return c.Length is >= 6 and <= 64 && c.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_') ? c : null;
    }

    /// <summary>Joins with a code: the code is spent and the member created in one transaction.</summary>
    public MemberDoc? Join(string code, string urn, NewMember details) => store.InTransaction(() =>
    {
        var invite = FindValidInvite(code);
        if (invite is null || Address(urn) is not null) return null;
        var now = time.GetUtcNow().UtcDateTime;
        var inviter = invite.IssuedBy is null ? null : members.Find(invite.IssuedBy);
        var id = Guid.NewGuid().ToString("N");
        var member = new MemberDoc
        {
            Id = id,
            BranchId = inviter is { Role: MemberRole.Member } && invite.Role == MemberRole.Member ? BranchOf(inviter) : id,
            Language = details.Language,
            Departement = details.Departement,
            Role = invite.Role,
            Status = MemberStatus.Active,
            InvitedBy = invite.IssuedBy,
            JoinedAt = now,
            LastSeenAt = now,
        };
        members.Insert(member, details.Pseudonym);
        LinkAddress(member.Id, urn, now);
        invite.UsedBy = member.Id;
        invite.UsedAt = now;
        members.UpdateInvite(invite);
        store.Increment($"members.joined:{now:yyyy-MM}");
        return member;
    });

    public void LinkAddress(string memberId, string urn, DateTime now) => members.LinkAddress(memberId, urn, now);

    /// <summary>
    /// The address a Signal sender is known by: <c>signal:&lt;uuid&gt;</c> (her ACI) whenever Signal gives it, her number
    /// only for the rare envelope without a uuid. When Signal also shows her number, a member known by that number (she
    /// joined before uuids were used, or linked Signal by typing her number) becomes the same member under her uuid,
    /// and the number is kept only as a keyed-hash alias of the uuid address, so later messages with or without the
    /// number reach the same account and every send goes to the uuid.
    /// </summary>
    public string ResolveSignal(string? uuid, string? number)
    {
        if (uuid is null) return Urns.Signal(number ?? throw new ArgumentException("A Signal sender needs a uuid or a number."));
        var uuidUrn = Urns.Signal(uuid);
        if (number is null) return uuidUrn;
        var numberUrn = Urns.Signal(number);
        store.InTransaction(() =>
        {
            var byUuid = Address(uuidUrn);
            var byNumber = Address(numberUrn);
            var now = time.GetUtcNow().UtcDateTime;
            if (byUuid is null && byNumber is { Alias: false })
            {
                LinkAddress(byNumber.MemberId, uuidUrn, now);
                byUuid = Address(uuidUrn)!;
                byUuid.Unreachable = byNumber.Unreachable;
                members.UpdateAddress(byUuid);
            }
            if (byUuid is not null && (byNumber is null || byNumber.MemberId == byUuid.MemberId && !byNumber.Alias))
                members.LinkAlias(byUuid.MemberId, numberUrn, uuidUrn, "signal", byNumber?.LinkedAt ?? now);
        });
        return uuidUrn;
    }

    /// <summary>Erases her and every way to reach her; her reports stay for the others' safety, detached from her.</summary>
    public void Erase(string memberId) => store.InTransaction(() =>
    {
        members.DeleteAddresses(memberId);
        reports.DetachReporter(memberId);
        members.DeleteUnusedInvites(memberId);
        // The members she vouched for stay members; the link to her goes with her.
        foreach (var invited in members.InvitedBy(memberId).ToList())
        {
            invited.InvitedBy = null;
            members.Update(invited);
        }
        members.Delete(memberId);
    });
}
