using Jasmine.Bots.Conversations;
using Jasmine.Bots.Members;

namespace Jasmine.Bots.Conversations;

/// <summary>
/// Runs one turn for one address: load the state once, let the engine answer, save once. Turns of the same
/// conversation never overlap (two quick taps must not fork her report).
/// </summary>
public sealed class TurnProcessor(ConversationEngine engine, ConversationStore conversations, MemberService members, BotFlowHost host,
    IEnumerable<ITurnInterceptor> interceptors, IEnumerable<ITurnPrefetch> prefetchers, Storage.JasmineStore store, TimeProvider time, ILogger<TurnProcessor> logger)
{
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>
    /// Runs one turn. <paramref name="withinTurn"/> runs in the same lock and the same store transaction (the
    /// channel queues the replies and records the message as handled there): one write to disk per message,
    /// and either all of it happened or none. Returns once that write is on the disk (see
    /// <see cref="Storage.Durability"/>): the channel is told "received" only when a power cut can no longer lose it.
    /// </summary>
    public async Task<TurnOutcome> HandleAsync(string urn, Inbound input, Action<TurnOutcome>? withinTurn = null, CancellationToken ct = default)
    {
        input = input.Clean();
        var gate = _locks[(uint)StringComparer.Ordinal.GetHashCode(urn) % _locks.Length];
        await gate.WaitAsync(ct);
        TurnOutcome committed;
        try
        {
            // What needs the network is fetched before the transaction: the store's one lock is held from the
            // transaction's start to its commit, and a partner slow to answer must not stop every other conversation.
            foreach (var prefetch in prefetchers)
            {
                try { await prefetch.PrefetchAsync(urn, input, ct); }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    logger.LogWarning("Turn prefetch {Prefetch} failed with {ExceptionType}", prefetch.GetType().Name, e.GetType().Name);
                }
            }
            try
            {
                committed = await store.InSharedTransactionAsync(() =>
                {
                    var outcome = Handle(urn, input);
                    withinTurn?.Invoke(outcome);
                    return outcome;
                });
            }
            catch (Exception e) when (e is not OperationCanceledException and not Channels.AlreadyHandledException)
            {
                // Never log what she wrote: the type and the place are enough to find the bug.
                logger.LogError("Turn failed with {ExceptionType} at {Site}", e.GetType().Name, e.TargetSite?.Name);
                // The turn's transaction was rolled back whole (a half-saved report, a case opened before the failure:
                // nothing of it stays), so the store is exactly as before her message and sending it again is safe.
                // She still gets the kind answer, queued and recorded in a transaction of its own.
                committed = await store.InSharedTransactionAsync(() =>
                {
                    var outcome = Failed(urn);
                    withinTurn?.Invoke(outcome);
                    return outcome;
                });
            }
        }
        finally
        {
            gate.Release();
        }
        // Outside the conversation's lock: her next message may run meanwhile, its commit joins the next fsync.
        await store.Durability.WhenDurableAsync();
        return committed;
    }

    /// <summary>The answer to a turn that failed: her language, her member id, and nothing written but the reply.</summary>
    private TurnOutcome Failed(string urn)
    {
        var member = members.FindByAddress(urn);
        var language = conversations.Load(urn)?.Language ?? member?.Language ?? "fr";
        return new TurnOutcome([new Reply(engine.Locales[language].Get("error.generic"))], language, member?.Id);
    }

    private TurnOutcome Handle(string urn, Inbound input)
    {
        var now = time.GetUtcNow();
        var member = members.FindByAddress(urn);
        var state = conversations.Load(urn) ?? new ConversationState { Language = member?.Language ?? "fr", UpdatedAt = now };
        if (member is not null && state.Language != member.Language && !state.InFlow) state.Language = member.Language;

        // Suspended by staff: a short kind answer, nothing else runs and nothing is kept.
        if (member is { Status: Domain.MemberStatus.Suspended })
            return new TurnOutcome([new Reply(engine.Locales[member.Language].Get("member.suspended"))], member.Language, member.Id);

        IReadOnlyList<Reply> replies;
        var memberId = member?.Id;
        var intercepted = interceptors.Select(i => i.TryHandle(urn, input, state)).FirstOrDefault(r => r is not null);
        if (intercepted is not null)
        {
            replies = ConversationEngine.Merge(intercepted);
            state.UpdatedAt = now;
        }
        else
        {
            var result = engine.Run(state, input, host, member?.Id, urn, now);
            replies = result.Replies;
            memberId = result.MemberId;
        }

        // A stranger who is not in the middle of joining leaves nothing behind.
        if (memberId is null && !state.InFlow) conversations.Delete(urn);
        else conversations.Save(urn, state);
        // Day precision is enough for "active members" and saves a write per message.
        if (memberId is not null && member is not null && memberId == member.Id && member.LastSeenAt.Date != now.UtcDateTime.Date)
        {
            member.LastSeenAt = now.UtcDateTime;
            members.Update(member);
        }
        return new TurnOutcome(replies, state.Language, memberId);
    }
}

/// <summary>What a turn produced: the replies, in her language, and who she is now (she may have just joined or left).</summary>
public sealed record TurnOutcome(IReadOnlyList<Reply> Replies, string Language, string? MemberId);

/// <summary>
/// Runs before a turn's transaction, in the conversation's order, and fetches what the turn may need from the network
/// (a partner's answer), so that the turn itself only reads memory and the store.
/// </summary>
public interface ITurnPrefetch
{
    Task PrefetchAsync(string urn, Inbound input, CancellationToken ct);
}

/// <summary>Answers a turn before the flows when the turn is about something else (e.g. "1" right after a discreet notice).</summary>
public interface ITurnInterceptor
{
    IReadOnlyList<Reply>? TryHandle(string urn, Inbound input, ConversationState state);
}
