using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Conversations;

namespace Jasmine.Bots.Channels;

/// <summary>
/// What every channel does with a message from a person: drop re-deliveries, run the turn, queue the replies in
/// the durable outbox (on the same channel), then remember the message as handled.
/// </summary>
public sealed class ChannelInbound(InboundLedger ledger, TurnProcessor turns, Outbox.Outbox outbox, Members.MemberService members)
{
    /// <returns>False when the message was a duplicate and nothing was done.</returns>
    public async Task<bool> HandleAsync(string channel, string externalId, string urn, Inbound input, CancellationToken ct)
    {
        if (!ledger.TryBegin(channel, externalId, out var key)) return false;
        try
        {
            var replies = await turns.HandleAsync(urn, input, ct);
            var language = members.FindByAddress(urn)?.Language ?? "fr";
            outbox.Send(urn, replies.Select(r => OutboundMessage.From(r, language)));
            ledger.Complete(key);
            return true;
        }
        catch
        {
            ledger.Abandon(key);
            throw;
        }
    }
}
