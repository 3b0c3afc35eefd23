namespace Jasmine.Bots.Storage;

/// <summary>A wipe asked for and not yet done: recorded before it is scheduled, so a restart still does it.</summary>
public sealed class PendingWipeDoc
{
    public string Id { get; set; } = "";
    /// <summary>The chat's address, encrypted: the job needs it to reach the channel.</summary>
    public string UrnEnc { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime DueAt { get; set; }
    /// <summary>Messages up to this time go; null means "up to when the wipe runs" (the delayed wipe).</summary>
    public DateTime? Cutoff { get; set; }
}

/// <summary>
/// The privacy of wipes: a pending wipe keeps its chat's address encrypted, and the wipe ledger and consents find a
/// chat by a keyed hash of its address. Callers hand in and get back clear addresses.
/// </summary>
public sealed class WipeStore(JasmineStore store)
{
    // The purposes are part of the stored data: changing one loses the pending wipes or the ledger written before.
    private const string Purpose = "wipe";
    private const string ChatPurpose = "wipe.chat";

    public IDocs<PendingWipeDoc> Pending => store.Collection<PendingWipeDoc>("wipe_pending");

    /// <summary>Records a pending wipe of <paramref name="urn"/>'s chat.</summary>
    public PendingWipeDoc AddPending(string urn, DateTime now, DateTime due, DateTime? cutoff)
    {
        var doc = new PendingWipeDoc
        {
            Id = Guid.NewGuid().ToString("N"),
            UrnEnc = store.Protector.Protect(Purpose, urn),
            CreatedAt = now,
            DueAt = due,
            Cutoff = cutoff,
        };
        Pending.Insert(doc);
        return doc;
    }

    /// <summary>The address of the chat a pending wipe clears.</summary>
    public string UrnOf(PendingWipeDoc doc) => store.Protector.Unprotect(Purpose, doc.UrnEnc);

    /// <summary>How the ledger and the consents name a chat without keeping its address.</summary>
    public string ChatKey(string urn) => store.Protector.Hash(ChatPurpose, urn);
}
