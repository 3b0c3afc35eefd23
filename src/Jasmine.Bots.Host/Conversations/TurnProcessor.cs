using Jasmine.Bots.Conversations;
using Jasmine.Bots.Members;

namespace Jasmine.Bots.Conversations;

/// <summary>
/// Runs one turn for one address: load the state once, let the engine answer, save once. Turns of the same
/// conversation never overlap (two quick taps must not fork her report).
/// </summary>
public sealed class TurnProcessor(ConversationEngine engine, ConversationStore conversations, MemberService members, BotFlowHost host,
    IEnumerable<ITurnInterceptor> interceptors, TimeProvider time, ILogger<TurnProcessor> logger)
{
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<IReadOnlyList<Reply>> HandleAsync(string urn, Inbound input, CancellationToken ct = default)
    {
        var gate = _locks[(uint)StringComparer.Ordinal.GetHashCode(urn) % _locks.Length];
        await gate.WaitAsync(ct);
        try
        {
            return Handle(urn, input);
        }
        finally
        {
            gate.Release();
        }
    }

    private IReadOnlyList<Reply> Handle(string urn, Inbound input)
    {
        var now = time.GetUtcNow();
        var member = members.FindByAddress(urn);
        var state = conversations.Load(urn) ?? new ConversationState { Language = member?.Language ?? "fr", UpdatedAt = now };
        if (member is not null && state.Language != member.Language && !state.InFlow) state.Language = member.Language;

        // Suspended by staff: a short kind answer, nothing else runs and nothing is kept.
        if (member is { Status: Domain.MemberStatus.Suspended }) return [new Reply(engine.Locales[member.Language].Get("member.suspended"))];

        IReadOnlyList<Reply> replies;
        try
        {
            replies = interceptors.Select(i => i.TryHandle(urn, input, state)).FirstOrDefault(r => r is not null)
                ?? engine.Handle(state, input, host, member?.Id, urn, now);
        }
        catch (Exception e)
        {
            // Never leave her without an answer; never log what she wrote.
            logger.LogError("Turn failed with {ExceptionType} at {Site}", e.GetType().Name, e.TargetSite?.Name);
            state.Reset();
            replies = [new Reply(engine.Locales[state.Language].Get("error.generic"))];
        }

        // A stranger who is not in the middle of joining leaves nothing behind.
        var stillMember = members.FindByAddress(urn);
        if (stillMember is null && !state.InFlow) conversations.Delete(urn);
        else conversations.Save(urn, state);
        // Day precision is enough for "active members" and saves a write per message.
        if (stillMember is not null && stillMember.LastSeenAt.Date != now.UtcDateTime.Date)
        {
            stillMember.LastSeenAt = now.UtcDateTime;
            members.Update(stillMember);
        }
        return replies;
    }
}

/// <summary>Answers a turn before the flows when the turn is about something else (e.g. "1" right after a discreet notice).</summary>
public interface ITurnInterceptor
{
    IReadOnlyList<Reply>? TryHandle(string urn, Inbound input, ConversationState state);
}
