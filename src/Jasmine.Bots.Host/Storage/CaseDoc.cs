namespace Jasmine.Bots.FollowUp;

public enum CaseStatus { Open, Acknowledged, Closed }

/// <summary>A report whose author wants to be contacted: a person must pick it up (severity sets the priority, not whether there is a case).</summary>
public sealed class CaseDoc
{
    public string Id { get; set; } = "";
    /// <summary>Same reference as the report she was given (R-XXXX): one word for both sides.</summary>
    public string Reference { get; set; } = "";
    public string ReportId { get; set; } = "";
    public string? MemberId { get; set; }
    public List<string> Categories { get; set; } = [];
    public string? Departement { get; set; }
    public string? TownEnc { get; set; }
    public DateTime IncidentDate { get; set; }
    /// <summary>How to reach her: "chat:&lt;urn&gt;" or "tel:+33…", encrypted.</summary>
    public string? ContactEnc { get; set; }
    public string? ContactWhenEnc { get; set; }
    public string Language { get; set; } = "fr";
    /// <summary>One of the severe categories: routed to the rota at once and escalated until someone takes it.</summary>
    public bool Severe { get; set; }
    /// <summary>"tel" (call or text the number she gave) or "chat" (through the bot): the way, not the address, so it can be shown without decrypting.</summary>
    public string? ContactWay { get; set; }
    /// <summary>Nobody was on call when it was opened: it waits on the console's home page and the admins were told.</summary>
    public bool Queued { get; set; }
    public CaseStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Highest escalation level notified so far (0 = none yet, 1 = first on the rota, …).</summary>
    public int Level { get; set; }
    public DateTime? LastNotifiedAt { get; set; }
    /// <summary>Staff address (encrypted) holding the case: relayed replies go there.</summary>
    public string? HolderEnc { get; set; }
    public string? HolderName { get; set; }
    public DateTime? AcknowledgedAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    public string? OutcomeEnc { get; set; }
    public List<CaseNote> Notes { get; set; } = [];
    public bool ContactErased { get; set; }
}

public sealed class CaseNote
{
    public DateTime At { get; set; }
    public string By { get; set; } = "";
    /// <summary>Relay messages and notes, encrypted: they are about her.</summary>
    public string TextEnc { get; set; } = "";
    /// <summary>"note", "to-her", "from-her".</summary>
    public string Kind { get; set; } = "note";
    /// <summary>Language of a relayed message (hers), so staff always know which language was used.</summary>
    public string? Language { get; set; }
    /// <summary>The ready-made phrase sent (relay.phrase.&lt;key&gt;), when it was one.</summary>
    public string? Phrase { get; set; }
}
