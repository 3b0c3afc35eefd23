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
    /// <summary>What queued it ("fanout:&lt;id&gt;"), for progress counts; null for replies.</summary>
    public string? Origin { get; set; }
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
        Items.EnsureIndex(o => o.NextAttemptAt);
        Items.EnsureIndex(o => o.Origin);
    }

    /// <summary>Queues messages for one address; with a <paramref name="dedupKey"/>, only the first call for that key does.</summary>
    public IReadOnlyList<long> Add(string urn, IEnumerable<OutboundMessage> messages, DateTime now, string? dedupKey = null, string? origin = null)
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
                    Origin = origin,
                };
                ids.Add(Items.Insert(doc).AsInt64);
            }
        });
        return ids;
    }

    public bool WasQueued(string dedupKey) => Keys.FindById(store.Protector.Hash("outbox.key", dedupKey)) is not null;

    public int DeleteKeysBefore(DateTime cutoff) => Keys.DeleteMany(k => k.At < cutoff);

    /// <summary>
    /// Pending messages due at <paramref name="now"/>, earliest first, read through the NextAttemptAt index: a pass
    /// reads only what it can send, not the whole backlog of a fan-out (thousands of encrypted payloads).
    /// </summary>
    public IReadOnlyList<OutboxDoc> Due(DateTime now, int limit) =>
        Items.Find(Query.LTE(nameof(OutboxDoc.NextAttemptAt), now), 0, limit).Where(o => o.Status == OutboxStatus.Pending).ToList();

    /// <summary>When the next message not yet due becomes due (a retry waiting), or null.</summary>
    public DateTime? NextDueAfter(DateTime now) =>
        Items.Find(Query.And(Query.GT(nameof(OutboxDoc.NextAttemptAt), now), Query.LT(nameof(OutboxDoc.NextAttemptAt), DateTime.MaxValue)), 0, 1).FirstOrDefault()?.NextAttemptAt;

    /// <summary>One conversation's pending messages, oldest first, as they are on disk now.</summary>
    public IReadOnlyList<OutboxDoc> PendingFor(string conversation) =>
        Items.Find(o => o.Conversation == conversation).Where(o => o.Status == OutboxStatus.Pending).OrderBy(o => o.Id).ToList();

    internal OutboxPayload Open(OutboxDoc doc) =>
        JsonSerializer.Deserialize<OutboxPayload>(store.Protector.UnprotectBytes(Purpose, doc.PayloadEnc))!;

    /// <summary>A sent message leaves nothing behind: it cannot be sent again, nor read later.</summary>
    public void MarkSent(OutboxDoc doc) => Items.Delete(doc.Id);

    public void MarkFailed(OutboxDoc doc)
    {
        doc.Status = OutboxStatus.Failed;
        doc.PayloadEnc = [];
        // Out of the due index's range for good: passes read only what may still be sent.
        doc.NextAttemptAt = DateTime.MaxValue;
        Items.Update(doc);
    }

    public void Reschedule(OutboxDoc doc, DateTime next, int partsSent = 0)
    {
        doc.Attempts++;
        doc.PartsSent = Math.Max(doc.PartsSent, partsSent);
        doc.NextAttemptAt = next;
        Items.Update(doc);
    }

    /// <summary>Messages of one origin still waiting, and those given up on.</summary>
    public (int Pending, int Failed) CountFor(string origin)
    {
        var docs = Items.Query().Where(o => o.Origin == origin).Select(o => o.Status).ToList();
        return (docs.Count(s => s == OutboxStatus.Pending), docs.Count(s => s == OutboxStatus.Failed));
    }

    public int PendingCount() => Items.Count(o => o.Status == OutboxStatus.Pending);
    public int CountByStatus(OutboxStatus status) => Items.Count(o => o.Status == status);
    public int DeleteFinishedBefore(DateTime cutoff) => Items.DeleteMany(o => o.Status != OutboxStatus.Pending && o.CreatedAt < cutoff);
}
