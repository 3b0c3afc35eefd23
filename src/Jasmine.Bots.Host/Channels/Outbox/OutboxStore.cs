using JsonSerializer = System.Text.Json.JsonSerializer;
using Jasmine.Bots.Storage;
using LiteDB;

namespace Jasmine.Bots.Channels.Outbox;

public enum OutboxStatus { Pending, Sent, Failed }

public sealed class OutboxDoc
{
    [BsonId] public long Id { get; set; }
    /// <summary>Keyed hash of the URN: groups one conversation's messages so they go out in order.</summary>
    public string Conversation { get; set; } = "";
    public string Scheme { get; set; } = "";
    /// <summary>URN and message, encrypted together.</summary>
    public byte[] PayloadEnc { get; set; } = [];
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }
    public int PartsSent { get; set; }
}

internal sealed record OutboxPayload(string Urn, OutboundMessage Message);

/// <summary>Keys of jobs' sends already queued: a job that runs twice (Hangfire runs at least once) queues once.</summary>
public sealed class OutboxKeyDoc
{
    [BsonId] public string Id { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>The durable outbox: a message is on disk before anyone is told it will be sent.</summary>
public sealed class OutboxStore(JasmineStore store)
{
    private const string Purpose = "outbox";

    private ILiteCollection<OutboxDoc> Items
    {
        get
        {
            var col = store.Database.GetCollection<OutboxDoc>("outbox");
            return col;
        }
    }

    private ILiteCollection<OutboxKeyDoc> Keys => store.Database.GetCollection<OutboxKeyDoc>("outbox_keys");

    public void EnsureIndexes()
    {
        Items.EnsureIndex(o => o.Status);
        Items.EnsureIndex(o => o.Conversation);
    }

    /// <summary>Queues messages for one address; with a <paramref name="dedupKey"/>, only the first call for that key does.</summary>
    public IReadOnlyList<long> Add(string urn, IEnumerable<OutboundMessage> messages, DateTime now, string? dedupKey = null)
    {
        var conversation = store.Protector.Hash("conversation.outbox", urn);
        var ids = new List<long>();
        // One transaction for the key and a turn's replies (or the caller's, for a whole turn): all or nothing.
        store.InTransaction(() =>
        {
            if (dedupKey is not null)
            {
                var key = store.Protector.Hash("outbox.key", dedupKey);
                if (Keys.FindById(key) is not null) return;
                Keys.Insert(new OutboxKeyDoc { Id = key, At = now });
            }
            foreach (var message in messages)
            {
                var doc = new OutboxDoc
                {
                    Conversation = conversation,
                    Scheme = Members.Urns.Scheme(urn),
                    PayloadEnc = store.Protector.ProtectBytes(Purpose, JsonSerializer.SerializeToUtf8Bytes(new OutboxPayload(urn, message))),
                    Status = OutboxStatus.Pending,
                    CreatedAt = now,
                    NextAttemptAt = now,
                };
                ids.Add(Items.Insert(doc).AsInt64);
            }
        });
        return ids;
    }

    public bool WasQueued(string dedupKey) => Keys.FindById(store.Protector.Hash("outbox.key", dedupKey)) is not null;

    public int DeleteKeysBefore(DateTime cutoff) => Keys.DeleteMany(k => k.At < cutoff);

    // Sorted here rather than by LiteDB: its OrderBy builds a sort buffer per query, which under load costs more
    // than the query itself; the index already narrows the documents to the few pending ones.
    public IReadOnlyList<OutboxDoc> Pending(int limit) =>
        Items.Find(o => o.Status == OutboxStatus.Pending).Where(o => !_sent.ContainsKey(o.Id)).OrderBy(o => o.Id).Take(limit).ToList();

    /// <summary>What the dispatcher needs to plan a pass, without reading the (encrypted) payloads.</summary>
    public sealed record Head(long Id, string Conversation, DateTime NextAttemptAt);

    public IReadOnlyList<Head> PendingHeads(int limit)
    {
        var heads = new List<Head>();
        foreach (var d in store.Database.GetCollection("outbox").Query().Where("Status = 'Pending'").Select("{ i: $._id, c: $.Conversation, n: $.NextAttemptAt }").ToEnumerable())
        {
            var id = d["i"].AsInt64;
            if (_sent.ContainsKey(id)) continue;
            heads.Add(new Head(id, d["c"].AsString, d["n"].AsDateTime));
        }
        heads.Sort((a, b) => a.Id.CompareTo(b.Id));
        return heads.Count > limit ? heads[..limit] : heads;
    }

    /// <summary>One conversation's pending messages, oldest first, as they are on disk now.</summary>
    public IReadOnlyList<OutboxDoc> PendingFor(string conversation) =>
        Items.Find(o => o.Conversation == conversation).Where(o => o.Status == OutboxStatus.Pending && !_sent.ContainsKey(o.Id)).OrderBy(o => o.Id).ToList();

    internal OutboxPayload Open(OutboxDoc doc) =>
        JsonSerializer.Deserialize<OutboxPayload>(store.Protector.UnprotectBytes(Purpose, doc.PayloadEnc))!;

    /// <summary>A sent message leaves nothing behind: it cannot be sent again, nor read later.</summary>
    // Sent messages are deleted in batches (one write for many): until the batch is written they are only
    // hidden here. A crash in that window (a few milliseconds) can send them again after the restart — at least
    // once, never lost.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, byte> _sent = new();

    public void MarkSent(OutboxDoc doc) => _sent.TryAdd(doc.Id, 0);

    /// <summary>Writes the deletions of what was sent since the last call; returns how many.</summary>
    public int FlushSent()
    {
        if (_sent.IsEmpty) return 0;
        var ids = _sent.Keys.ToList();
        store.InTransaction(() => { foreach (var id in ids) Items.Delete(id); });
        foreach (var id in ids) _sent.TryRemove(id, out _);
        return ids.Count;
    }

    public void MarkFailed(OutboxDoc doc)
    {
        doc.Status = OutboxStatus.Failed;
        doc.PayloadEnc = [];
        Items.Update(doc);
    }

    public void Reschedule(OutboxDoc doc, DateTime next, int partsSent = 0)
    {
        doc.Attempts++;
        doc.PartsSent = Math.Max(doc.PartsSent, partsSent);
        doc.NextAttemptAt = next;
        Items.Update(doc);
    }

    public int PendingCount() => Math.Max(0, Items.Count(o => o.Status == OutboxStatus.Pending) - _sent.Count);
    public int CountByStatus(OutboxStatus status) => Items.Count(o => o.Status == status);
    public int DeleteFinishedBefore(DateTime cutoff) => Items.DeleteMany(o => o.Status != OutboxStatus.Pending && o.CreatedAt < cutoff);
}
