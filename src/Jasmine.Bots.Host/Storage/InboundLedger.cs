using System.Collections.Concurrent;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Channels;

public sealed class InboundDoc
{
    public string Id { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>
/// Remembers which channel messages were already handled (Telegram update_id, Twilio MessageSid, Signal
/// timestamp): channels re-deliver until they get a success, and a re-delivery must not run a turn twice.
/// </summary>
public sealed class InboundLedger(JasmineStore store, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, byte> _inProgress = new(StringComparer.Ordinal);
    private IDocs<InboundDoc> Seen => store.Collection<InboundDoc>("inbound");

    private string Key(string channel, string externalId) => store.Protector.Hash("inbound", channel + ":" + externalId);

    /// <summary>True when this message is new and now reserved for the caller; false for a duplicate.</summary>
    public bool TryBegin(string channel, string externalId, out string key)
    {
        key = Key(channel, externalId);
        if (!_inProgress.TryAdd(key, 0)) return false;
        if (Seen.FindById(key) is null) return true;
        _inProgress.TryRemove(key, out _);
        return false;
    }

    /// <summary>
    /// Records the message as handled, in the caller's transaction. The id is a unique key: when hosts share one
    /// database, the same update delivered to two of them is run by both, but only the first to commit records it;
    /// the other gets <see cref="AlreadyHandledException"/> here and its transaction keeps nothing (no second answer).
    /// The in-memory reservation above only spares this host the work.
    /// </summary>
    public void Complete(string key)
    {
        try { Seen.Insert(new InboundDoc { Id = key, At = time.GetUtcNow().UtcDateTime }); }
        catch (DuplicateKeyException) { throw new AlreadyHandledException(); }
        // Released only once the record is committed: a re-delivery in between must still find it reserved.
        store.AfterCommit(() => _inProgress.TryRemove(key, out _));
    }

    /// <summary>The turn failed before its replies were queued: let the channel's re-delivery run it again.</summary>
    public void Abandon(string key) => _inProgress.TryRemove(key, out _);

    public int DeleteOlderThan(DateTime cutoff) => Seen.DeleteMany(d => d.At < cutoff);
}

/// <summary>Another host sharing the database handled this very message first: nothing of this turn is kept, and the channel is told "received".</summary>
public sealed class AlreadyHandledException() : Exception("This message was already handled by another host.");
