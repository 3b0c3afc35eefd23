using Jasmine.Bots.Channels;
using Jasmine.Bots.Members;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Wipe;

public enum WipeSide { Hers, Bot }

/// <summary>One message of a chat that may be deleted later: ids and times only, never what it said.</summary>
public sealed class WipeLedgerDoc
{
    public string Id { get; set; } = DocIds.New();
    /// <summary>Keyed hash of the chat's address: the ledger alone cannot tell whose chat it is.</summary>
    public string Chat { get; set; } = "";
    public WipeSide Side { get; set; }
    /// <summary>Telegram message_id, or the Signal timestamp of a message the bot sent.</summary>
    public string MessageId { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>
/// The ids of the last 48 hours' messages of each chat, hers and the bot's, so that WIPE can delete them:
/// Telegram lets a bot delete both sides of a private chat for 48 hours; Signal lets it delete its own messages.
/// SMS and the try-it chat keep nothing here (nothing can be deleted there).
/// </summary>
public sealed class WipeLedger(JasmineStore store, WipeStore wipes, TimeProvider time) : IInboundMessageIds
{
    /// <summary>Telegram refuses to delete older messages; nothing older is worth keeping.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(48);

    private IDocs<WipeLedgerDoc> Entries => store.Collection<WipeLedgerDoc>("wipe_ledger");

    public void EnsureIndexes()
    {
        Entries.EnsureIndex(e => e.Chat);
        Entries.EnsureIndex(e => e.At);
    }

    public string ChatKey(string urn) => wipes.ChatKey(urn);

    /// <summary>Her side: only Telegram lets the bot delete what she sent.</summary>
    public void Received(string urn, string messageId, DateTimeOffset at)
    {
        if (Urns.Scheme(urn) == "telegram") Record(urn, WipeSide.Hers, messageId, at);
    }

    /// <summary>The bot's side (an outbox listener): Telegram message ids, Signal sent timestamps.</summary>
    public void Sent(string urn, IReadOnlyList<string> ids)
    {
        if (Urns.Scheme(urn) is not ("telegram" or "signal")) return;
        var now = time.GetUtcNow();
        foreach (var id in ids) if (!string.IsNullOrEmpty(id)) Record(urn, WipeSide.Bot, id, now);
    }

    public void Record(string urn, WipeSide side, string messageId, DateTimeOffset at) =>
        Entries.Insert(new WipeLedgerDoc { Chat = ChatKey(urn), Side = side, MessageId = messageId, At = at.UtcDateTime });

    /// <summary>This chat's messages from the last 48 hours up to <paramref name="upTo"/>, each id once.</summary>
    public IReadOnlyList<WipeLedgerDoc> Recent(string urn, DateTime upTo)
    {
        var chat = ChatKey(urn);
        var from = (time.GetUtcNow() - Window).UtcDateTime;
        return Entries.Find(e => e.Chat == chat && e.At >= from && e.At <= upTo).ToList()
            .DistinctBy(e => (e.Side, e.MessageId)).ToList();
    }

    /// <summary>After a wipe: what was deleted (or too old to delete) is forgotten too.</summary>
    public int Forget(string urn, DateTime upTo)
    {
        var chat = ChatKey(urn);
        return Entries.DeleteMany(e => e.Chat == chat && e.At <= upTo);
    }

    /// <summary>Retention: entries past the 48 hours are useless and go.</summary>
    public int DeleteOlderThan(DateTime cutoff) => Entries.DeleteMany(e => e.At < cutoff);
}
