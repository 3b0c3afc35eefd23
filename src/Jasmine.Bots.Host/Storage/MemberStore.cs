using Jasmine.Bots.Members;

namespace Jasmine.Bots.Storage;

/// <summary>
/// Members, their channel addresses and their invite codes as stored: URNs and codes are found by a keyed hash and
/// never kept in clear, pseudonyms and URNs are encrypted. Callers hand in and get back clear values.
/// </summary>
public sealed class MemberStore(JasmineStore store)
{
    // The purposes are part of the stored data: changing one loses every member, address or code written before.
    private const string AddressPurpose = "address";
    private const string InvitePurpose = "invite";
    private const string PseudonymPurpose = "member.pseudonym";

    public MemberDoc? Find(string memberId) => store.Members.FindById(memberId);

    public IReadOnlyList<MemberDoc> InvitedBy(string memberId) => store.Members.Find(m => m.InvitedBy == memberId);

    /// <summary>Adds her with her pseudonym encrypted.</summary>
    public void Insert(MemberDoc member, string pseudonym)
    {
        member.PseudonymEnc = store.Protector.Protect(PseudonymPurpose, pseudonym);
        store.Members.Insert(member);
    }

    public void Update(MemberDoc member) => store.Members.Update(member);

    public bool Delete(string memberId) => store.Members.Delete(memberId);

    /// <summary>Her pseudonym as she gave it (the caller strips what must not be shown).</summary>
    public string Pseudonym(MemberDoc member) => store.Protector.Unprotect(PseudonymPurpose, member.PseudonymEnc);

    public AddressDoc? Address(string urn) => store.Addresses.FindById(store.Protector.Hash(AddressPurpose, urn));

    /// <summary>Her addresses she can be sent to, each with its URN in clear.</summary>
    public IEnumerable<(AddressDoc Address, string Urn)> Addresses(string memberId) =>
        // Aliases are filtered here, not in the query: documents written before the field existed lack it.
        store.Addresses.Find(a => a.MemberId == memberId).Where(a => !a.Alias).Select(a => (a, store.Protector.Unprotect(AddressPurpose, a.UrnEnc)));

    /// <summary>Links <paramref name="urn"/> to her (replacing what it pointed at).</summary>
    public void LinkAddress(string memberId, string urn, DateTime now)
    {
        store.Addresses.Upsert(new AddressDoc
        {
            Id = store.Protector.Hash(AddressPurpose, urn),
            MemberId = memberId,
            UrnEnc = store.Protector.Protect(AddressPurpose, urn),
            Channel = Urns.Scheme(urn),
            LinkedAt = now,
        });
    }

    /// <summary>
    /// <paramref name="aliasUrn"/> as another name for <paramref name="urn"/>, never sent to: it exists only as its
    /// hash, and the address it finds holds <paramref name="urn"/>.
    /// </summary>
    public void LinkAlias(string memberId, string aliasUrn, string urn, string channel, DateTime linkedAt)
    {
        store.Addresses.Upsert(new AddressDoc
        {
            Id = store.Protector.Hash(AddressPurpose, aliasUrn),
            MemberId = memberId,
            UrnEnc = store.Protector.Protect(AddressPurpose, urn),
            Channel = channel,
            LinkedAt = linkedAt,
            Alias = true,
        });
    }

    public void UpdateAddress(AddressDoc address) => store.Addresses.Update(address);

    public int DeleteAddresses(string memberId) => store.Addresses.DeleteMany(a => a.MemberId == memberId);

    /// <summary>The invite with this (normalised) code, used or not.</summary>
    public InviteDoc? Invite(string code) => store.Invites.FindById(store.Protector.Hash(InvitePurpose, code));

    /// <summary>Adds an invite found by <paramref name="code"/>; the code itself is not kept.</summary>
    public void InsertInvite(string code, InviteDoc invite)
    {
        invite.Id = store.Protector.Hash(InvitePurpose, code);
        store.Invites.Insert(invite);
    }

    public void UpdateInvite(InviteDoc invite) => store.Invites.Update(invite);

    public int InvitesOfBranchSince(string branchId, DateTime since) => store.Invites.Count(i => i.BranchId == branchId && i.CreatedAt >= since);

    public int InvitesIssuedSince(string memberId, DateTime since) => store.Invites.Count(i => i.IssuedBy == memberId && i.CreatedAt >= since);

    public int DeleteUnusedInvites(string issuedBy) => store.Invites.DeleteMany(i => i.IssuedBy == issuedBy && i.UsedBy == null);
}
