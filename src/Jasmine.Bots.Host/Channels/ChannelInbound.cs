using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Conversations;

namespace Jasmine.Bots.Channels;

/// <summary>
/// What every channel does with a message from a person: drop re-deliveries, run the turn, queue the replies in
/// the durable outbox (on the same channel), then remember the message as handled.
/// </summary>
public sealed class ChannelInbound(InboundLedger ledger, TurnProcessor turns, Outbox.Outbox outbox, IEnumerable<IInboundInterceptor> interceptors, Storage.JasmineStore store)
{
    /// <summary>Staff chats and the like answer outside the member flows.</summary>
    public IReadOnlyList<Reply>? Intercept(string urn, Inbound input)
    {
        input = input.Clean();
        foreach (var interceptor in interceptors)
            if (interceptor.TryHandle(urn, input) is { } replies) return replies;
        return null;
    }

    /// <param name="alsoInTurn">More of the channel's own writes (the ids WIPE will need), made in the turn's transaction.</param>
    /// <returns>False when the message was a duplicate and nothing was done; otherwise once all of it is on the disk.</returns>
    public async Task<bool> HandleAsync(string channel, string externalId, string urn, Inbound input, CancellationToken ct, Action? alsoInTurn = null)
    {
        if (!ledger.TryBegin(channel, externalId, out var key)) return false;
        try
        {
            if (Intercept(urn, input) is { } staffReplies)
            {
                store.InTransaction(() =>
                {
                    alsoInTurn?.Invoke();
                    outbox.Send(urn, staffReplies.Select(r => OutboundMessage.From(r, "fr")));
                    ledger.Complete(key);
                });
                await store.Durability.WhenDurableAsync();
                return true;
            }
            // Replies queued and the message marked handled in the turn's own transaction: one commit per message.
            await turns.HandleAsync(urn, input, outcome =>
            {
                alsoInTurn?.Invoke();
                outbox.Send(urn, outcome.Replies.Select(r => OutboundMessage.From(r, outcome.Language)));
                ledger.Complete(key);
            }, ct);
            return true;
        }
        catch (AlreadyHandledException)
        {
            // Another host ran it and answered: the same as a re-delivery this host had seen.
            ledger.Abandon(key);
            return false;
        }
        catch
        {
            ledger.Abandon(key);
            throw;
        }
    }
}

/// <summary>Gets a say on an inbound message before the member flows; null means "not mine".</summary>
public interface IInboundInterceptor
{
    IReadOnlyList<Reply>? TryHandle(string urn, Inbound input);
}
