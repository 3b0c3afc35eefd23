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
    /// <summary>Hash of the dedup key it was queued under, if any (see <see cref="OutboxStore.MarkSent"/>).</summary>
    public string? KeyHash { get; set; }
}

internal sealed record OutboxPayload(string Urn, OutboundMessage Message);

/// <summary>Keys of jobs' sends already queued: a job that runs twice (Hangfire runs at least once) queues once.</summary>
public sealed class OutboxKeyDoc
{
    [BsonId] public string Id { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>The durable outbox: a message is on disk before anyone is told it will be sent.</summary>
/// <remarks>
/// LiteDB 5.0 commits to memory and writes its log on a background thread: a SIGKILL loses the last few hundred
/// milliseconds of commits. For a deletion after a send, that meant a fan-out killed mid-way warned a dozen
/// members twice after the restart. So each send is first written to a journal (<c>outbox-sent.journal</c>: ids
/// and key hashes, nothing personal) with a plain write() that the kernel keeps even if the process dies, and the
/// journal is replayed when the store opens: sent messages still pending are deleted, lost dedup keys come back
/// (so a fan-out batch whose commit was lost does not queue her warning again). What remains is the time between
/// the channel's answer and that write(): microseconds. A power cut can lose more (no fsync per message).
/// </remarks>
public sealed class OutboxStore
{
    private const string Purpose = "outbox";
    private const long JournalCompactBytes = 256 * 1024;
    private readonly JasmineStore store;
    private readonly Lock _journalGate = new();
    private readonly FileStream _journal;

    public OutboxStore(JasmineStore store)
    {
        this.store = store;
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(store.Path_))!, "outbox-sent.journal");
        EnsureIndexes();
        ReplayJournal(path);
        // Unbuffered: each line is a write() at once, which the kernel keeps even if this process is killed.
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        _journal = new FileStream(path, options);
        _journal.Seek(0, SeekOrigin.End);
    }

    private void ReplayJournal(string path)
    {
        if (!File.Exists(path)) return;
        var now = DateTime.UtcNow;
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split('\t');
            // A line cut by the kill has no id yet or a partial one: that send was not confirmed by its write.
            if (parts.Length != 2 || !long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var id)) continue;
            var key = parts[1].Length > 0 ? parts[1] : null;
            if (key is not null && Keys.FindById(key) is null) Keys.Insert(new OutboxKeyDoc { Id = key, At = now });
            // Same id and same key: the very message (ids are never reused within a run, and the journal is
            // emptied at each start once its deletions are on disk).
            if (Items.FindById(id) is { Status: OutboxStatus.Pending } doc && doc.KeyHash == key) Items.Delete(id);
        }
        store.Database.Checkpoint();
        File.WriteAllBytes(path, []);
    }

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
    public IReadOnlyList<long> Add(string urn, IEnumerable<OutboundMessage> messages, DateTime now, string? dedupKey = null, string? origin = null, string? lane = null)
    {
        var conversation = store.Protector.Hash("conversation.outbox", lane is null ? urn : urn + "\n" + lane);
        var ids = new List<long>();
        // One transaction for the key and a turn's replies (or the caller's, for a whole turn): all or nothing.
        store.InTransaction(() =>
        {
            string? key = null;
            if (dedupKey is not null)
            {
                key = store.Protector.Hash("outbox.key", dedupKey);
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
                    KeyHash = key,
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
    public void MarkSent(OutboxDoc doc)
    {
        var line = System.Text.Encoding.ASCII.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{doc.Id}\t{doc.KeyHash}\n"));
        // One lock for the journal line and the deletion: compaction must not empty the journal between the two.
        lock (_journalGate)
        {
            _journal.Write(line);
            Items.Delete(doc.Id);
            if (_journal.Length > JournalCompactBytes)
            {
                // Everything journaled so far is deleted in the store; once that is on disk the journal can go.
                store.Database.Checkpoint();
                _journal.SetLength(0);
            }
        }
    }

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
