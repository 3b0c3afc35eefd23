using Jasmine.Bots.Members;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Channels.Outbox;

/// <summary>
/// Sends what the outbox holds: one conversation's messages strictly in order, different conversations in
/// parallel; 429 and 5xx are retried with backoff (honouring retry-after), a recipient who opted out or
/// blocked the bot is marked unreachable and never retried. What was sent is deleted, so a restart resends nothing
/// — except a message the channel accepted in the instant before its deletion reached the disk: a crash (kill -9)
/// right there sends it again after the restart. No chat API we use takes an idempotency key, so delivery is at
/// least once; the window is one local write (well under a millisecond), see OutboxCrashTests for the measure; after a
/// power cut, up to one group fsync of the store (<see cref="Storage.Durability"/>).
/// </summary>
public sealed class OutboxDispatcher(
    OutboxStore outbox,
    IEnumerable<IChannelSender> senders,
    MemberService members,
    JasmineStore store,
    ChannelPacer pacer,
    ChannelBudgets budgets,
    Claims claims,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    public const int MaxAttempts = 12;
    private static readonly TimeSpan MinPassInterval = TimeSpan.FromMilliseconds(5);
    private readonly Dictionary<string, IChannelSender> _senders = senders.Where(s => s.IsEnabled).ToDictionary(s => s.Scheme, StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Something was queued: look now rather than at the next tick.</summary>
    public void Wake()
    {
        try { if (_wake.CurrentCount == 0) _wake.Release(); }
        catch (SemaphoreFullException) { }
        foreach (var lane in _laneWake.Values)
        {
            try { if (lane.CurrentCount == 0) lane.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    public bool HasSender(string scheme) => _senders.ContainsKey(scheme);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        outbox.EnsureIndexes();
        var lanes = _senders.Values.OfType<IBudgetedSender>().Where(s => outbox.IsBudgeted(s.Scheme))
            .Select(s => Task.Run(() => RunLaneAsync(s, stoppingToken), CancellationToken.None)).ToList();
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError("Outbox pass failed with {ExceptionType}", e.GetType().Name);
                wait = TimeSpan.FromSeconds(1);
            }
            try
            {
                await _wake.WaitAsync(wait, stoppingToken);
                // Wakes come in floods during a fan-out: one look every few milliseconds is enough.
                await Task.Delay(MinPassInterval, stoppingToken);
            }
            catch (OperationCanceledException) { break; }
        }
        await Task.WhenAll(lanes);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    /// <summary>Conversations whose oldest message waits for a retry: their later messages wait behind it.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTime> _blockedUntil = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slots = new(64, 64);
    // Enough conversations lined up for the slots: reading more from the store now would only cost CPU that a
    // fan-out of thousands needs for sending. A finishing worker wakes the next pass.
    private const int LinedUpEnough = 512;
    private const int ReadPerPass = 1000;

    /// <summary>
    /// One pass over what is due: each conversation with something due gets a worker (if it has none yet) that
    /// sends its messages in order. Returns how long to wait before looking again.
    /// </summary>
    public Task<TimeSpan> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (_inFlight.Count >= LinedUpEnough) return Task.FromResult(TimeSpan.FromMilliseconds(50));
        var nextDue = TimeSpan.FromSeconds(5);
        var due = outbox.Due(now, ReadPerPass);
        if (outbox.NextDueAfter(now) is { } later && later - now < nextDue) nextDue = later - now;
        foreach (var group in due.GroupBy(p => p.Conversation))
        {
            if (_inFlight.ContainsKey(group.Key)) continue;
            if (_blockedUntil.TryGetValue(group.Key, out var blocked))
            {
                if (blocked > now) continue;
                _blockedUntil.TryRemove(group.Key, out _);
            }
            if (!_inFlight.TryAdd(group.Key, 0)) continue;
            _ = Task.Run(async () =>
            {
                await _slots.WaitAsync(ct);
                var claimed = false;
                try
                {
                    // Another host sharing the database sends for this conversation: look again a little later
                    // (its lease runs out if it was killed).
                    if (!(claimed = claims.TryClaim("c:" + group.Key)))
                    {
                        _blockedUntil[group.Key] = time.GetUtcNow().UtcDateTime.AddSeconds(1);
                        return;
                    }
                    var renewAt = claims.NextRenewal();
                    // Read again now that this worker owns the conversation: the pass's list may predate the
                    // previous worker's sends (resending them) or its reschedules (retrying before retry-after).
                    // Then again until nothing is due, so replies queued meanwhile need no new pass.
                    var more = true;
                    while (more)
                    {
                        var pending = outbox.PendingFor(group.Key);
                        more = pending.Count > 0;
                        foreach (var item in pending)
                        {
                            if (!claims.Renew("c:" + group.Key, ref renewAt)) { more = false; break; }
                            if (item.NextAttemptAt > time.GetUtcNow().UtcDateTime || !await SendOneAsync(item, ct))
                            {
                                if (item.Status == OutboxStatus.Pending) _blockedUntil[group.Key] = item.NextAttemptAt;
                                more = false;
                                break;
                            }
                        }
                    }
                }
                catch (OperationCanceledException) { }
                catch (Exception e)
                {
                    logger.LogError("Outbox worker failed with {ExceptionType}", e.GetType().Name);
                }
                finally
                {
                    if (claimed)
                    {
                        try { claims.Release("c:" + group.Key); }
                        catch (Exception e) when (StoreFailure.Is(e)) { } // its lease runs out on its own
                    }
                    _slots.Release();
                    _inFlight.TryRemove(group.Key, out _);
                    Wake();
                }
            }, CancellationToken.None);
        }
        return Task.FromResult(TimeSpan.FromMilliseconds(Math.Clamp(nextDue.TotalMilliseconds, 10, 1000)));
    }

    /// <summary>Nothing pending and nothing being sent (tests and benchmarks wait on this).</summary>
    public bool IsIdle => _inFlight.IsEmpty && _lanesBusy == 0 && outbox.PendingCount() == 0;

    // ---- budgeted lanes (SMS) ----

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _laneWake = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _laneWaiting = new(StringComparer.Ordinal);
    private int _lanesBusy;
    private const int LanePage = 200;
    /// <summary>How many times a message the phone reported failed is handed to it again.</summary>
    public const int MaxResends = 2;

    /// <summary>What the lane of <paramref name="scheme"/> has spent today, what waits in it, and why.</summary>
    public LaneStatus? Lane(string scheme)
    {
        if (!_senders.TryGetValue(scheme, out var sender) || sender is not IBudgetedSender budgeted || !outbox.IsBudgeted(scheme)) return null;
        var day = budgets.Today();
        var (replies, proactive) = outbox.LaneBacklog(scheme);
        return new LaneStatus(scheme, day, budgets.Spent(scheme, day), budgeted.Budget, replies, proactive,
            _laneWaiting.TryGetValue(scheme, out var why) ? why : replies + proactive == 0 ? "nothing waits" : "sending");
    }

    /// <summary>
    /// One message at a time: the first reply due (oldest first), else the proactive message of best priority,
    /// within the day's budget (proactive messages leave <see cref="ChannelBudget.ReservedForReplies"/> to replies)
    /// and the per-second pace. What the day cannot carry waits, in order, for the next day.
    /// </summary>
    private async Task RunLaneAsync(IBudgetedSender sender, CancellationToken ct)
    {
        var scheme = sender.Scheme;
        var wake = _laneWake.GetOrAdd(scheme, _ => new SemaphoreSlim(0, 1));
        var nextSlot = time.GetTimestamp();
        // What this lane spent today, as it counted it: the store's count is read too (a restart, another process)
        // and the larger one wins, so a read that lags behind our own last write can never hand out a send twice.
        var (countedDay, counted) = ("", 0);
        while (!ct.IsCancellationRequested)
        {
            var idle = TimeSpan.FromSeconds(1);
            try
            {
                // One host at a time runs a budgeted lane, so the day's budget and the order hold across hosts.
                if (!claims.TryClaim("lane:" + scheme))
                {
                    _laneWaiting[scheme] = "sent by another host";
                    await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
                    continue;
                }
                var budget = sender.Budget;
                var day = budgets.Today();
                if (day != countedDay) (countedDay, counted) = (day, 0);
                var spent = Math.Max(counted, budgets.Spent(scheme, day));
                var (item, payload, cost, waiting, dueIn) = PickForLane(sender, budget, spent);
                _laneWaiting[scheme] = waiting;
                if (item is not null && payload is not null)
                {
                    var wait = time.GetElapsedTime(time.GetTimestamp(), nextSlot);
                    if (wait > TimeSpan.Zero)
                    {
                        // Choose again once the slot comes: a reply that arrives meanwhile must not wait behind this one.
                        await Task.Delay(wait, time, ct);
                        continue;
                    }
                    Interlocked.Increment(ref _lanesBusy);
                    outbox.HandingOver(item.Id);
                    try
                    {
                        var message = payload.Message with
                        {
                            PartsSent = item.PartsSent,
                            DeliveryRef = sender.ReportsDelivery ? OutboxStore.DeliveryRef(item) : null,
                        };
                        SendOutcome outcome;
                        try { outcome = await sender.SendAsync(payload.Urn, message, ct); }
                        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                        {
                            logger.LogWarning("Send on {Scheme} threw {ExceptionType}; will retry", scheme, e.GetType().Name);
                            outcome = SendOutcome.Retry();
                        }
                        var interval = budget.PerSecond > 0 ? (long)(time.TimestampFrequency / budget.PerSecond) : 0;
                        nextSlot = time.GetTimestamp() + interval * Math.Max(1, cost);
                        if (outcome.Status == SendStatus.Sent)
                        {
                            counted = spent + cost;
                            budgets.Spend(scheme, day, cost);
                        }
                        if (ApplyLaneOutcome(item, payload, outcome, sender) is { } pause)
                            nextSlot = Math.Max(nextSlot, time.GetTimestamp() + (long)(pause.TotalSeconds * time.TimestampFrequency));
                    }
                    finally
                    {
                        outbox.HandedOver(item.Id);
                        Interlocked.Decrement(ref _lanesBusy);
                    }
                    continue;
                }
                if (dueIn is { } d && d < idle) idle = d < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : d;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                logger.LogError("Outbox lane {Scheme} failed with {ExceptionType}", scheme, e.GetType().Name);
            }
            try { await wake.WaitAsync(idle, ct); }
            catch (OperationCanceledException) { break; }
        }
    }

    private (OutboxDoc? Item, OutboxPayload? Payload, int Cost, string Waiting, TimeSpan? DueIn) PickForLane(IBudgetedSender sender, ChannelBudget budget, int spent)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        TimeSpan? dueIn = null;
        var untilMorning = ChannelBudgets.QuietUntil(time.GetUtcNow());
        var quietSkipped = 0;
        for (var page = 0; page < 10; page++)
        {
            var queue = outbox.LaneQueue(sender.Scheme, page * LanePage, LanePage);
            foreach (var item in queue)
            {
                // One conversation's replies keep their order: a reply waiting for its retry holds back the later ones.
                if (blocked.Contains(item.Conversation)) continue;
                if (item.LaneDueAt > now)
                {
                    if (!item.Proactive) blocked.Add(item.Conversation);
                    var left = item.LaneDueAt - now;
                    if (dueIn is null || left < dueIn) dueIn = left;
                    continue;
                }
                if (item.Proactive && item.QuietNights && untilMorning is { } morning)
                {
                    // Her quiet night: this one waits, the others (and every reply) go on.
                    quietSkipped++;
                    if (dueIn is null || morning < dueIn) dueIn = morning;
                    continue;
                }
                var payload = outbox.Open(item);
                var cost = sender.CostOf(payload.Message with { PartsSent = item.PartsSent });
                var limit = item.IsWarning ? budget.ProactivePerDay : budget.RepliesPerDay;
                if (spent + cost > limit)
                {
                    // The queue is ordered (replies, the team's messages, then warnings by priority): nothing after
                    // this one may jump it, it is the same kind or worse.
                    var what = item.IsWarning ? "warnings and notices wait" : "replies and messages wait";
                    return (null, null, 0, $"{what} for the next day's budget ({spent} of {budget.PerDay} SMS sent today" +
                        (item.IsWarning && budget.ReservedForReplies > 0 ? $", {budget.ReservedForReplies} kept for replies" : "") + ")", dueIn);
                }
                return (item, payload, cost, "sending", dueIn);
            }
            if (queue.Count < LanePage) break;
        }
        return (null, null, 0, quietSkipped > 0 ? $"{quietSkipped} wait for the end of their quiet night (22:00-08:00 Paris time)"
            : dueIn is null ? "nothing waits" : "waiting for a retry", dueIn);
    }

    /// <summary>Returns how long the whole lane should stay silent, when the channel asked for it.</summary>
    private TimeSpan? ApplyLaneOutcome(OutboxDoc item, OutboxPayload payload, SendOutcome outcome, IBudgetedSender sender)
    {
        var now = time.GetUtcNow().UtcDateTime;
        switch (outcome.Status)
        {
            case SendStatus.Sent:
                var parts = item.PartsSent + (outcome.ExternalIds?.Count ?? 0);
                if (!sender.ReportsDelivery) outbox.MarkSent(item);
                else if (outbox.MarkAccepted(item, parts, now, MaxResends, sender.Budget.ResendAfter) != OutboxStore.DeliveryOutcome.Recorded)
                    logger.LogWarning("The SMS gateway reported a failure before answering; the message was handled as the report said");
                if (outcome.ExternalIds is { Count: > 0 } ids) foreach (var listener in SentListeners) listener(payload.Urn, ids);
                return null;
            case SendStatus.Unreachable:
                members.SetUnreachable(payload.Urn, true);
                outbox.MarkFailed(item);
                logger.LogInformation("Recipient on {Scheme} is unreachable (opted out); not retrying", item.Scheme);
                return null;
            case SendStatus.Dropped:
                outbox.MarkFailed(item);
                store.Increment($"outbox.dropped:{now:yyyy-MM}");
                logger.LogWarning("Message on {Scheme} dropped by the channel ({Error})", item.Scheme, outcome.Error ?? "no detail");
                return null;
            default:
                if (item.Attempts + 1 >= MaxAttempts)
                {
                    outbox.MarkFailed(item);
                    store.Increment($"outbox.failed:{now:yyyy-MM}");
                    logger.LogError("Message on {Scheme} failed after {Attempts} attempts", item.Scheme, item.Attempts + 1);
                    return null;
                }
                var backoff = outcome.RetryAfter ?? TimeSpan.FromSeconds(Math.Min(600, Math.Pow(2, item.Attempts)) * (0.8 + Random.Shared.NextDouble() * 0.4));
                outbox.RescheduleInLane(item, now + backoff, outcome.PartsSent);
                logger.LogInformation("Send on {Scheme} will be retried in {Seconds:0.#}s (attempt {Attempt})", item.Scheme, backoff.TotalSeconds, item.Attempts);
                return outcome.RetryAfter;
        }
    }

    /// <summary>
    /// A delivery report from a gateway (the Android SMS gateway's sms:sent / sms:delivered / sms:failed webhooks),
    /// naming the reference we gave it. Returns false when it names nothing of ours.
    /// </summary>
    public bool RecordDelivery(string gatewayMessageId, DeliveryState state)
    {
        if (!OutboxStore.TryParseDeliveryRef(gatewayMessageId, out var id, out var resend, out var part)) return false;
        var now = time.GetUtcNow().UtcDateTime;
        var resendAfter = _senders.Values.OfType<IBudgetedSender>().FirstOrDefault(s => s.ReportsDelivery)?.Budget.ResendAfter ?? TimeSpan.FromMinutes(1);
        var result = outbox.RecordDelivery(id, resend, part, state, now, MaxResends, resendAfter);
        switch (result)
        {
            case OutboxStore.DeliveryOutcome.Resend:
                logger.LogWarning("The SMS gateway could not send a message; it will be handed to it again");
                Wake();
                break;
            case OutboxStore.DeliveryOutcome.Failed:
                store.Increment($"outbox.failed:{now:yyyy-MM}");
                logger.LogWarning("The SMS gateway could not send a message; given up after {Resends} resends", MaxResends);
                break;
        }
        return result != OutboxStore.DeliveryOutcome.Unknown;
    }

    private async Task<bool> SendOneAsync(OutboxDoc item, CancellationToken ct)
    {
        if (!_senders.TryGetValue(item.Scheme, out var sender))
        {
            // No channel configured for it (any more): keep it, a restart with the channel configured will send it.
            outbox.Reschedule(item, time.GetUtcNow().UtcDateTime.AddMinutes(5));
            return false;
        }
        var payload = outbox.Open(item);
        SendOutcome outcome;
        try
        {
            await pacer.WaitAsync(item.Scheme, item.Conversation, ct);
            outbox.HandingOver(item.Id);
            try { outcome = await sender.SendAsync(payload.Urn, payload.Message with { PartsSent = item.PartsSent }, ct); }
            finally { pacer.Release(item.Scheme); }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning("Send on {Scheme} threw {ExceptionType}; will retry", item.Scheme, e.GetType().Name);
            outcome = SendOutcome.Retry();
        }

        try
        {
            if (outcome.Status == SendStatus.Sent)
            {
                // The deletion and the ids WIPE needs in one commit, shared with the other sends that finished meanwhile.
                var ids = outcome.ExternalIds;
                await outbox.MarkSentAsync(item, ids is { Count: > 0 } ? () => { foreach (var listener in SentListeners) listener(payload.Urn, ids); } : null);
                return true;
            }
            return ApplyOutcome(item, payload, outcome);
        }
        finally { outbox.HandedOver(item.Id); }
    }

    private bool ApplyOutcome(OutboxDoc item, OutboxPayload payload, SendOutcome outcome)
    {
        var now = time.GetUtcNow().UtcDateTime;
        switch (outcome.Status)
        {
            case SendStatus.Sent:
                outbox.MarkSent(item);
                if (outcome.ExternalIds is { Count: > 0 } ids) foreach (var listener in SentListeners) listener(payload.Urn, ids);
                return true;
            case SendStatus.Unreachable:
                members.SetUnreachable(payload.Urn, true);
                outbox.MarkFailed(item);
                logger.LogInformation("Recipient on {Scheme} is unreachable (opted out or blocked); not retrying", item.Scheme);
                return true;
            case SendStatus.Dropped:
                outbox.MarkFailed(item);
                store.Increment($"outbox.dropped:{now:yyyy-MM}");
                logger.LogWarning("Message on {Scheme} dropped by the channel ({Error})", item.Scheme, outcome.Error ?? "no detail");
                return true;
            default:
                // A message with a deadline (a remote delete) is retried until it passes; others a bounded number of times.
                if (payload.Message.RetryUntil is { } until ? now >= until : item.Attempts + 1 >= MaxAttempts)
                {
                    outbox.MarkFailed(item);
                    store.Increment($"outbox.failed:{now:yyyy-MM}");
                    logger.LogError("Message on {Scheme} failed after {Attempts} attempts", item.Scheme, item.Attempts + 1);
                    return false;
                }
                // The channel says how long it wants silence: the whole channel pauses, not just this conversation,
                // or the next sends would only collect more 429s (and a longer ban).
                if (outcome.RetryAfter is { } retryAfter) pacer.Pause(item.Scheme, retryAfter);
                var backoff = outcome.RetryAfter ?? TimeSpan.FromSeconds(Math.Min(600, Math.Pow(2, item.Attempts)) * (0.8 + Random.Shared.NextDouble() * 0.4));
                outbox.Reschedule(item, now + backoff, outcome.PartsSent);
                logger.LogInformation("Send on {Scheme} will be retried in {Seconds:0.#}s (attempt {Attempt})", item.Scheme, backoff.TotalSeconds, item.Attempts);
                return false;
        }
    }

    /// <summary>Told the channel ids of what went out (the wipe feature keeps them for 48 hours).</summary>
    public List<Action<string, IReadOnlyList<string>>> SentListeners { get; } = [];
}

/// <summary>Puts replies in the outbox and wakes the dispatcher: the one way any feature sends anything.</summary>
public sealed class Outbox(OutboxStore store, JasmineStore database, OutboxDispatcher dispatcher, TimeProvider time)
{
    /// <param name="origin">What queued it (a fan-out's id), so its progress can be counted; never personal.</param>
    /// <param name="lane">Messages of another lane to the same address are sent in their own order: a remote delete
    /// waiting hours for a retry must not hold back her replies.</param>
    /// <param name="priority">Order among proactive messages on a budgeted channel (SMS), lower first; see <see cref="OutboxStore.ProactivePriority"/>.</param>
    /// <param name="quietNights">Her choice: proactive messages on a budgeted channel (SMS) wait for the end of the night.</param>
    public void Send(string urn, IEnumerable<OutboundMessage> messages, string? dedupKey = null, string? origin = null, int priority = 0, bool quietNights = false, string? lane = null)
    {
        store.Add(urn, messages, time.GetUtcNow().UtcDateTime, dedupKey, origin, priority, quietNights, lane);
        // Inside a turn the messages are on disk only at commit: the dispatcher must look after that.
        database.AfterCommit(dispatcher.Wake);
    }
}
