using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using LiteDB;

namespace Jasmine.Bots.Storage;

// Stored documents. Rule of the house: a field that names or reaches a person is either a keyed hash (…Hash / Id)
// or encrypted (…Enc). Clear fields are codes, dates, counts and coarse places (département).

public sealed class MemberDoc
{
    [BsonId] public string Id { get; set; } = "";
    public string PseudonymEnc { get; set; } = "";
    public string Language { get; set; } = "fr";
    public string? Departement { get; set; }
    public MemberRole Role { get; set; }
    public MemberStatus Status { get; set; }
    public string? InvitedBy { get; set; }
    /// <summary>
    /// The referral branch she belongs to: the member at the top of the chain of members who invited each other
    /// (staff and organisations start a branch). A whole branch shares one look-up and invite budget.
    /// </summary>
    public string? BranchId { get; set; }
    public DateTime JoinedAt { get; set; }
    public WarningScope Warnings { get; set; } = WarningScope.Departement;
    public bool Discreet { get; set; } = true;
    /// <summary>Proactive SMS wait for the end of the night (22:00–08:00 Paris time); off unless she chooses it.</summary>
    public bool QuietNights { get; set; }
    public DateTime LastSeenAt { get; set; }
}

public sealed class AddressDoc
{
    /// <summary>Keyed hash of the URN (tel:+33…, telegram:123…).</summary>
    [BsonId] public string Id { get; set; } = "";
    public string MemberId { get; set; } = "";
    public string UrnEnc { get; set; } = "";
    public string Channel { get; set; } = "";
    /// <summary>The channel told us not to send (SMS STOP, blocked bot).</summary>
    public bool Unreachable { get; set; }
    public DateTime LinkedAt { get; set; }
    /// <summary>Another name for an address of hers, never sent to: her Signal number (when Signal showed it) pointing
    /// at her Signal uuid. <see cref="UrnEnc"/> then holds the uuid address, so the number exists only as this hash.</summary>
    public bool Alias { get; set; }
}

public sealed class InviteDoc
{
    /// <summary>Keyed hash of the code: a stolen database does not yield usable codes.</summary>
    [BsonId] public string Id { get; set; } = "";
    public string? IssuedBy { get; set; }
    /// <summary>The issuer's referral branch, so a branch's codes per day are counted with one query.</summary>
    public string? BranchId { get; set; }
    public MemberRole Role { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public string? UsedBy { get; set; }
    public DateTime? UsedAt { get; set; }
}

public sealed class ProfileIdentifier
{
    public IdentifierKind Kind { get; set; }
    public string Hash { get; set; } = "";
    public string ValueEnc { get; set; } = "";
}

public sealed class ClassificationEvent
{
    public Classification Classification { get; set; }
    public DateTime At { get; set; }
    public string By { get; set; } = "";
}

public sealed class ProfileDoc
{
    [BsonId] public string Id { get; set; } = "";
    public Classification Classification { get; set; }
    public List<ProfileIdentifier> Identifiers { get; set; } = [];
    public List<string> Categories { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime? LastReportAt { get; set; }
    public string? Departement { get; set; }
    public int ReportCount { get; set; }
    public List<ClassificationEvent> History { get; set; } = [];
    public string? PublicNoteEnc { get; set; }
}

/// <summary>
/// identifier hash → profile, with what screening needs of the profile copied in (kept in step by ProfileService):
/// the screening index is loaded from these small documents alone.
/// </summary>
public sealed class IdentifierIndexDoc
{
    [BsonId] public string Id { get; set; } = "";
    public string ProfileId { get; set; } = "";
    public Classification Classification { get; set; }
    public int CategoryMask { get; set; }
    public DateTime? LastReportAt { get; set; }
}

public sealed class ReportDoc
{
    [BsonId] public string Id { get; set; } = "";
    public string Reference { get; set; } = "";
    /// <summary>Null once she erased her data: the report stays, detached from her.</summary>
    public string? ReporterId { get; set; }
    public bool OnBehalf { get; set; }
    public string ProfileId { get; set; } = "";
    public List<ProfileIdentifier> Identifiers { get; set; } = [];
    public string? DescriptionEnc { get; set; }
    public List<string> Categories { get; set; } = [];
    public string? OtherCategoryEnc { get; set; }
    public DateTime IncidentDate { get; set; }
    public string? Departement { get; set; }
    public string? TownEnc { get; set; }
    public string? FreeTextEnc { get; set; }
    public bool WantsContact { get; set; }
    public string? ContactHowEnc { get; set; }
    public string? ContactWhenEnc { get; set; }
    public string Language { get; set; } = "fr";
    public DateTime CreatedAt { get; set; }
    public bool Reviewed { get; set; }
}

public sealed class ConversationDoc
{
    /// <summary>Keyed hash of the URN, under a purpose of its own.</summary>
    [BsonId] public string Id { get; set; } = "";
    public byte[] StateEnc { get; set; } = [];
    public DateTime UpdatedAt { get; set; }
}

public sealed class CounterDoc
{
    [BsonId] public string Id { get; set; } = "";
    public long Count { get; set; }
}
