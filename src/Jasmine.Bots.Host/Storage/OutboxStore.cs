using JsonSerializer = System.Text.Json.JsonSerializer;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Channels.Outbox;

public enum OutboxStatus { Pending, Sent, Failed }

/// <summary>What a channel that reports delivery (the Android SMS gateway) said about a message after accepting it.</summary>
public enum DeliveryState { Accepted, Sent, Delivered, Failed }

public sealed class OutboxDoc
{
    public long Id { get; set; }
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

    /// <summary>Sent on the service's own initiative (a warning), not as an answer to her.</summary>
    public bool Proactive { get; set; }
    /// <summary>Among proactive messages of a budgeted channel, lower goes first (see <see cref="OutboxStore.ProactivePriority"/>).</summary>
    public int Priority { get; set; }
    /// <summary>
    /// A push warning (it has a priority): the one kind of message held to the day's budget minus what is kept for
    /// replies. Replies, the team's messages, case alerts to the staff on call and link codes may use all of it.
    /// </summary>
    public bool IsWarning => Proactive && Priority > 0;
    /// <summary>
    /// Budgeted channels (SMS) only, while pending: the order their lane sends in — replies by id, then proactive
    /// messages by priority and id. Their <see cref="NextAttemptAt"/> is parked at the maximum so the parallel
    /// dispatcher never reads them; <see cref="LaneDueAt"/> holds the real time.
    /// </summary>
    public long? LaneKey { get; set; }
    public DateTime LaneDueAt { get; set; }
    /// <summary>Proactive, on a budgeted channel, to someone who chose quiet nights: not sent 22:00–08:00 Paris time.</summary>
    public bool QuietNights { get; set; }
    /// <summary>Resends after the phone reported sms:failed (each resend is a new gateway message id).</summary>
    public int Resends { get; set; }
    /// <summary>Parts of the message handed to a gateway that reports delivery, and what it reported.</summary>
    public int Parts { get; set; }
    public int PartsSentMask { get; set; }
    public int PartsDeliveredMask { get; set; }
    public int PartsFailedMask { get; set; }
    public DeliveryState? Delivery { get; set; }
    public DateTime? DeliveryAt { get; set; }
}

/// <summary>A URN scheme whose messages are sent one at a time under a daily budget (registered by the SMS channel).</summary>
public sealed record BudgetedScheme(string Scheme);

internal sealed record OutboxPayload(string Urn, OutboundMessage Message);

/// <summary>Keys of jobs' sends already queued: a job that runs twice (Hangfire runs at least once) queues once.</summary>
public sealed class OutboxKeyDoc
{
    public string Id { get; set; } = "";
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
/// the channel's answer and that write(): microseconds. The journal and the deletions are fsynced in groups with
/// the store's commits (<see cref="Durability"/>), so after a power cut it is a few milliseconds.
/// </remarks>
public sealed class OutboxStore : IDisposable
{
    private const string Purpose = "outbox";
    private const long JournalCompactBytes = 256 * 1024;
    private readonly JasmineStore store;
    private readonly Lock _journalGate = new();
    // Delivery reports and the lane's hand-over of the same entry read, change and write it: one at a time.
    private readonly Lock _deliveryGate = new();
    private readonly FileStream _journal;

    private readonly HashSet<string> _budgeted;

    public OutboxStore(JasmineStore store, IEnumerable<BudgetedScheme> budgeted)
    {
        this.store = store;
        _budgeted = budgeted.Select(b => b.Scheme).ToHashSet(StringComparer.Ordinal);
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(store.Path_))!, "outbox-sent.journal");
        EnsureIndexes();
        ReplayJournal(path);
        // Unbuffered: each line is a write() at once, which the kernel keeps even if this process is killed.
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        _journal = new FileStream(path, options);
        _journal.Seek(0, SeekOrigin.End);
        // fsynced with the store's commits, so that after a power cut too a sent message is not sent again.
        store.Durability.Track(_journal.SafeFileHandle);
        // Its own thread: it waits on the store's lock, which a thread-pool thread should not do under load.
        _sentWriter = new Thread(WriteSent) { IsBackground = true, Name = "jasmine-outbox-sent" };
        _sentWriter.Start();
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
        store.Checkpoint();
        File.WriteAllBytes(path, []);
    }

    private IDocs<OutboxDoc> Items
    {
        get
        {
            var col = store.Collection<OutboxDoc>("outbox");
            return col;
        }
    }

    private IDocs<OutboxKeyDoc> Keys => store.Collection<OutboxKeyDoc>("outbox_keys");

    public void EnsureIndexes()
    {
        Items.EnsureIndex(o => o.Status);
        Items.EnsureIndex(o => o.Conversation);
        Items.EnsureIndex(o => o.NextAttemptAt);
        Items.EnsureIndex(o => o.Origin);
        Items.EnsureIndex(o => o.LaneKey);
    }

    public bool IsBudgeted(string scheme) => _budgeted.Contains(scheme);

    private const long ProactiveBase = 1L << 52;
    private const long IdSpan = 1L << 36;

    /// <summary>
    /// Priority of a push warning on a budgeted channel: the most severe category first (the order of
    /// <see cref="Domain.ReportCategories.All"/>), then a warning for her own département before one for all of
    /// France, then by département so a short day serves whole départements rather than scattered members.
    /// </summary>
    public static int ProactivePriority(int severityRank, bool ownDepartement, string? departement)
    {
        // Corsica's 2A/2B sort where 20 would; overseas 971–976 after the mainland; unknown last.
        var dep = departement switch
        {
            "2A" => 200,
            "2B" => 201,
            _ => int.TryParse(departement, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n < 999 ? n : 999,
        };
        // Never 0: priority 0 is everything proactive that is not a push warning (see IsWarning).
        return 1 + Math.Clamp(severityRank, 0, 99) * 10_000 + (ownDepartement ? 0 : 5_000) + Math.Clamp(dep, 0, 999);
    }

    /// <summary>Queues messages for one address; with a <paramref name="dedupKey"/>, only the first call for that key does.</summary>
    public IReadOnlyList<long> Add(string urn, IEnumerable<OutboundMessage> messages, DateTime now, string? dedupKey = null, string? origin = null, int priority = 0, bool quietNights = false, string? lane = null)
    {
        var conversation = store.Protector.Hash("conversation.outbox", lane is null ? urn : urn + "\n" + lane);
        var scheme = Members.Urns.Scheme(urn);
        var budgeted = _budgeted.Contains(scheme);
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
                    Scheme = scheme,
                    PayloadEnc = store.Protector.ProtectBytes(Purpose, JsonSerializer.SerializeToUtf8Bytes(new OutboxPayload(urn, message))),
                    Status = OutboxStatus.Pending,
                    CreatedAt = now,
                    NextAttemptAt = budgeted ? DateTime.MaxValue : now,
                    LaneDueAt = now,
                    Origin = origin,
                    KeyHash = key,
                    Proactive = message.Kind == OutboundKind.Proactive,
                    Priority = message.Kind == OutboundKind.Proactive ? priority : 0,
                    QuietNights = quietNights && budgeted && message.Kind == OutboundKind.Proactive,
                };
                Items.Insert(doc);
                var id = doc.Id;
                if (budgeted)
                {
                    doc.LaneKey = LaneKeyOf(doc);
                    Items.Update(doc);
                }
                ids.Add(id);
            }
        });
        return ids;
    }

    /// <summary>The reference a delivery-reporting gateway gets for an entry (its parts add <c>p{n}</c>): at most 36 characters.</summary>
    public static string DeliveryRef(OutboxDoc doc) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"jb{doc.Id}r{doc.Resends}");

    public static bool TryParseDeliveryRef(string? id, out long outboxId, out int resend, out int part)
    {
        outboxId = 0; resend = 0; part = 0;
        if (id is null || id.Length > 36 || !id.StartsWith("jb", StringComparison.Ordinal)) return false;
        var r = id.IndexOf('r', 2);
        var p = r < 0 ? -1 : id.IndexOf('p', r + 1);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        const System.Globalization.NumberStyles digits = System.Globalization.NumberStyles.None;
        return r > 2 && p > r + 1
            && long.TryParse(id.AsSpan(2, r - 2), digits, inv, out outboxId)
            && int.TryParse(id.AsSpan(r + 1, p - r - 1), digits, inv, out resend)
            && int.TryParse(id.AsSpan(p + 1), digits, inv, out part);
    }

    private static long LaneKeyOf(OutboxDoc doc) =>
        doc.Proactive ? ProactiveBase + doc.Priority * IdSpan + doc.Id : doc.Id;

    /// <summary>A budgeted channel's pending messages in the order its lane sends them (replies first).</summary>
    public IReadOnlyList<OutboxDoc> LaneQueue(string scheme, int skip, int limit) =>
        Items.Find(o => o.LaneKey >= 0 && o.Scheme == scheme && o.Status == OutboxStatus.Pending, o => o.LaneKey, skip: skip, limit: limit);

    /// <summary>What waits in a budgeted channel's lane: replies, and proactive messages.</summary>
    public (int Replies, int Proactive) LaneBacklog(string scheme) =>
        (Items.Count(o => o.LaneKey >= 0 && o.Scheme == scheme && !o.Proactive), Items.Count(o => o.LaneKey >= 0 && o.Scheme == scheme && o.Proactive));

    /// <summary>Messages of one origin waiting in a budgeted lane.</summary>
    public int LaneWaitingFor(string origin) => Items.Count(o => o.Origin == origin && o.LaneKey >= 0);

    /// <summary>Messages of one origin a delivery-reporting gateway accepted, by what it reported since.</summary>
    public IReadOnlyDictionary<DeliveryState, int> DeliveryFor(string origin) =>
        Enum.GetValues<DeliveryState>().Select(state => (state, n: Items.Count(o => o.Origin == origin && o.Delivery == state)))
            .Where(x => x.n > 0).ToDictionary(x => x.state, x => x.n);

    public OutboxDoc? Find(long id) => Items.FindById(id);

    /// <summary>A proactive message to this address still waits to go out (one being handed to the channel right now does not wait).</summary>
    public bool HasProactivePending(string urn)
    {
        var conversation = store.Protector.Hash("conversation.outbox", urn);
        return Items.Find(o => o.Conversation == conversation && o.Status == OutboxStatus.Pending && o.Proactive)
            .Any(o => !_handingOver.ContainsKey(o.Id));
    }

    // Entries a lane is handing to its channel: she may have it on her phone before our write says so.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, byte> _handingOver = new();
    public void HandingOver(long id) => _handingOver[id] = 0;
    public void HandedOver(long id) => _handingOver.TryRemove(id, out _);

    public bool WasQueued(string dedupKey) => Keys.FindById(store.Protector.Hash("outbox.key", dedupKey)) is not null;

    public int DeleteKeysBefore(DateTime cutoff) => Keys.DeleteMany(k => k.At < cutoff);

    /// <summary>
    /// Pending messages due at <paramref name="now"/>, earliest first, read through the NextAttemptAt index: a pass
    /// reads only what it can send, not the whole backlog of a fan-out (thousands of encrypted payloads).
    /// </summary>
    public IReadOnlyList<OutboxDoc> Due(DateTime now, int limit) =>
        Items.Find(o => o.NextAttemptAt <= now, o => o.NextAttemptAt, limit: limit).Where(o => o.Status == OutboxStatus.Pending).ToList();

    /// <summary>When the next message not yet due becomes due (a retry waiting), or null.</summary>
    public DateTime? NextDueAfter(DateTime now) =>
        Items.Find(o => o.NextAttemptAt > now && o.NextAttemptAt < DateTime.MaxValue, o => o.NextAttemptAt, limit: 1).FirstOrDefault()?.NextAttemptAt;

    /// <summary>One conversation's pending messages, oldest first, as they are on disk now.</summary>
    public IReadOnlyList<OutboxDoc> PendingFor(string conversation) =>
        Items.Find(o => o.Conversation == conversation).Where(o => o.Status == OutboxStatus.Pending).OrderBy(o => o.Id).ToList();

    internal OutboxPayload Open(OutboxDoc doc) =>
        JsonSerializer.Deserialize<OutboxPayload>(store.Protector.UnprotectBytes(Purpose, doc.PayloadEnc))!;

    /// <summary>A sent message leaves nothing behind: it cannot be sent again, nor read later.</summary>
    public void MarkSent(OutboxDoc doc)
    {
        Journal(doc);
        Items.Delete(doc.Id);
        Settled(1);
    }

    /// <summary>
    /// <see cref="MarkSent"/> for the parallel dispatcher: the journal line is written at once (it is what a kill -9
    /// leaves), the deletion joins those of other sends in one commit, with <paramref name="alsoInCommit"/> (the ids
    /// WIPE needs). Completes once that commit is done, so the conversation's next read no longer sees it.
    /// </summary>
    public Task MarkSentAsync(OutboxDoc doc, Action? alsoInCommit = null)
    {
        Journal(doc);
        var sent = new SentEntry(doc.Id, alsoInCommit, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _sent.Enqueue(sent);
        try { if (_sentWake.CurrentCount == 0) _sentWake.Release(); }
        catch (SemaphoreFullException) { }
        return sent.Done.Task;
    }

    private sealed record SentEntry(long Id, Action? Also, TaskCompletionSource Done);

    private readonly System.Collections.Concurrent.ConcurrentQueue<SentEntry> _sent = new();
    private readonly SemaphoreSlim _sentWake = new(0, 1);
    private readonly Thread _sentWriter;
    // Journal lines whose deletion is not committed yet: the journal may be emptied only when there is none.
    private int _unsettled;
    private const int SentPerCommit = 256;

    private void Journal(OutboxDoc doc)
    {
        var line = System.Text.Encoding.ASCII.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{doc.Id}\t{doc.KeyHash}\n"));
        lock (_journalGate)
        {
            _journal.Write(line);
            _unsettled++;
        }
    }

    private void Settled(int count)
    {
        lock (_journalGate)
        {
            _unsettled -= count;
            if (_unsettled == 0 && _journal.Length > JournalCompactBytes)
            {
                // Everything journaled so far is deleted in the store; once that is on disk the journal can go.
                store.Checkpoint();
                _journal.SetLength(0);
            }
        }
        store.Durability.RequestFlush();
    }

    /// <summary>One writer for every send's deletion: one commit carries all that finished meanwhile.</summary>
    private void WriteSent()
    {
        var batch = new List<SentEntry>(SentPerCommit);
        while (true)
        {
            _sentWake.Wait();
            while (!_sent.IsEmpty)
            {
                batch.Clear();
                while (batch.Count < SentPerCommit && _sent.TryDequeue(out var entry)) batch.Add(entry);
                try
                {
                    store.InTransaction(() =>
                    {
                        foreach (var entry in batch) DeleteSent(entry);
                    });
                    foreach (var entry in batch) entry.Done.TrySetResult();
                }
                catch (Exception)
                {
                    // One bad entry must not fail the others: each again in a commit of its own.
                    foreach (var entry in batch)
                    {
                        try
                        {
                            store.InTransaction(() => DeleteSent(entry));
                            entry.Done.TrySetResult();
                        }
                        catch (Exception e) { entry.Done.TrySetException(e); }
                    }
                }
                Settled(batch.Count);
                Interlocked.Increment(ref _sentCommits);
            }
            if (_closing) return;
        }
    }

    private volatile bool _closing;
    private long _sentCommits;

    /// <summary>Commits the sent writer made (the benchmark divides the sends by it).</summary>
    internal long SentCommits => Interlocked.Read(ref _sentCommits);

    /// <summary>The host stops: what was sent is still deleted, then the writer's thread ends.</summary>
    public void Dispose()
    {
        _closing = true;
        try { _sentWake.Release(); }
        catch (SemaphoreFullException) { }
        _sentWriter.Join(TimeSpan.FromSeconds(10));
    }

    private void DeleteSent(SentEntry entry)
    {
        Items.Delete(entry.Id);
        entry.Also?.Invoke();
    }

    /// <summary>
    /// Accepted by a gateway that reports delivery later: kept (payload included, to resend it if the phone reports
    /// sms:failed) until sms:sent arrives, then only the states remain, until retention deletes the entry.
    /// Reports that arrived before this (a fast phone answers its webhook before we read its HTTP answer) count.
    /// </summary>
    public DeliveryOutcome MarkAccepted(OutboxDoc item, int parts, DateTime now, int maxResends, TimeSpan resendAfter)
    {
        // Journaled like a send: after a crash the replay must not leave it pending (the gateway would answer
        // 409 to our id anyway, but nothing should even try).
        Journal(item);
        try { return Accepted(item, parts, now, maxResends, resendAfter); }
        finally { Settled(1); }
    }

    private DeliveryOutcome Accepted(OutboxDoc item, int parts, DateTime now, int maxResends, TimeSpan resendAfter)
    {
        lock (_deliveryGate)
        {
            var doc = Items.FindById(item.Id) ?? item;
            doc.Status = OutboxStatus.Sent;
            doc.SentAt = now;
            doc.LaneKey = null;
            doc.NextAttemptAt = DateTime.MaxValue;
            doc.Parts = Math.Max(1, parts);
            doc.Delivery = DeliveryState.Accepted;
            doc.DeliveryAt = now;
            doc.Attempts = item.Attempts;
            doc.PartsSent = item.PartsSent;
            if (doc.PartsFailedMask != 0) return Fail(doc, LowestSet(doc.PartsFailedMask), now, maxResends, resendAfter);
            Progress(doc, now);
            Items.Update(doc);
            return DeliveryOutcome.Recorded;
        }
    }

    public enum DeliveryOutcome { Unknown, Recorded, Resend, Failed }

    /// <summary>
    /// The gateway reported on part <paramref name="part"/> of resend <paramref name="resend"/> of entry <paramref name="id"/>.
    /// A failure of the current send is resent (whole parts already sent are skipped) until <paramref name="maxResends"/>;
    /// reports about an older resend, or unknown entries (retention removed them), change nothing.
    /// </summary>
    public DeliveryOutcome RecordDelivery(long id, int resend, int part, DeliveryState state, DateTime now, int maxResends, TimeSpan resendAfter)
    {
        if (part is < 0 or >= 31) return DeliveryOutcome.Unknown;
        lock (_deliveryGate)
        {
            var doc = Items.FindById(id);
            if (doc is null || doc.Resends != resend || doc.Status == OutboxStatus.Failed) return DeliveryOutcome.Unknown;
            switch (state)
            {
                case DeliveryState.Sent:
                    doc.PartsSentMask |= 1 << part;
                    break;
                case DeliveryState.Delivered:
                    doc.PartsSentMask |= 1 << part;
                    doc.PartsDeliveredMask |= 1 << part;
                    break;
                case DeliveryState.Failed:
                    doc.PartsFailedMask |= 1 << part;
                    // Still being handed over (the report beat the gateway's HTTP answer): MarkAccepted will act on it.
                    if (doc.Delivery is null) { Items.Update(doc); return DeliveryOutcome.Recorded; }
                    return Fail(doc, part, now, maxResends, resendAfter);
            }
            if (doc.Delivery is not null) Progress(doc, now);
            Items.Update(doc);
            return DeliveryOutcome.Recorded;
        }
    }

    private static void Progress(OutboxDoc doc, DateTime now)
    {
        if (doc.Delivery == DeliveryState.Accepted && AllParts(doc, doc.PartsSentMask))
        {
            doc.Delivery = DeliveryState.Sent;
            doc.DeliveryAt = now;
            // Out of the phone: there is nothing left to resend, and nothing to keep.
            doc.PayloadEnc = [];
        }
        if (doc.Delivery == DeliveryState.Sent && AllParts(doc, doc.PartsDeliveredMask))
        {
            doc.Delivery = DeliveryState.Delivered;
            doc.DeliveryAt = now;
        }
    }

    private DeliveryOutcome Fail(OutboxDoc doc, int part, DateTime now, int maxResends, TimeSpan resendAfter)
    {
        if (doc.PayloadEnc.Length > 0 && doc.Resends < maxResends)
        {
            // Back in her lane after the parts that did go out, a little later (the phone may have lost signal).
            // (Should the host crash before the next start's journal replay, that entry is taken as sent: the
            // journal holds its first hand-over. A resend can be lost that way, never doubled.)
            doc.Status = OutboxStatus.Pending;
            doc.Resends++;
            doc.PartsSent = Math.Min(part, LowestUnset(doc.PartsSentMask));
            doc.PartsSentMask = doc.PartsDeliveredMask = doc.PartsFailedMask = 0;
            doc.Delivery = null;
            doc.DeliveryAt = null;
            doc.SentAt = null;
            doc.LaneDueAt = now + resendAfter * doc.Resends;
            doc.LaneKey = LaneKeyOf(doc);
            Items.Update(doc);
            return DeliveryOutcome.Resend;
        }
        doc.Status = OutboxStatus.Failed;
        doc.Delivery = DeliveryState.Failed;
        doc.DeliveryAt = now;
        doc.PayloadEnc = [];
        doc.LaneKey = null;
        doc.NextAttemptAt = DateTime.MaxValue;
        Items.Update(doc);
        return DeliveryOutcome.Failed;
    }

    private static int LowestSet(int mask)
    {
        var i = 0;
        while (i < 31 && (mask & (1 << i)) == 0) i++;
        return i;
    }

    private static bool AllParts(OutboxDoc doc, int mask) => mask == (1 << doc.Parts) - 1;

    private static int LowestUnset(int mask)
    {
        var i = 0;
        while ((mask & (1 << i)) != 0) i++;
        return i;
    }

    /// <summary>A budgeted channel's message waits: for a retry (<paramref name="next"/>), keeping its place in the lane.</summary>
    public void RescheduleInLane(OutboxDoc doc, DateTime next, int partsSent = 0)
    {
        doc.Attempts++;
        doc.PartsSent = Math.Max(doc.PartsSent, partsSent);
        doc.LaneDueAt = next;
        Items.Update(doc);
    }

    public void MarkFailed(OutboxDoc doc)
    {
        doc.LaneKey = null;
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
        // Counts, not a projection: LiteDB 5 can hand back a document instead of the selected scalar.
        return (Items.Count(o => o.Origin == origin && o.Status == OutboxStatus.Pending), Items.Count(o => o.Origin == origin && o.Status == OutboxStatus.Failed));
    }

    public int PendingCount() => Items.Count(o => o.Status == OutboxStatus.Pending);
    public int CountByStatus(OutboxStatus status) => Items.Count(o => o.Status == status);
    public int DeleteFinishedBefore(DateTime cutoff) => Items.DeleteMany(o => o.Status != OutboxStatus.Pending && o.CreatedAt < cutoff);
}
