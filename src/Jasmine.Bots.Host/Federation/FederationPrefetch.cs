using Jasmine.Bots.Conversations;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Members;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Screening;

namespace Jasmine.Bots.Federation;

/// <summary>
/// Before a member's turn: the identifiers in her message that are not signaled here are asked of the partners, so
/// the screening inside the turn finds the answer ready instead of waiting on the network under the store's lock.
/// Not while she is writing a report (a number there names the man she reports, it is not a question).
/// </summary>
public sealed class FederationPrefetch(FederationClient client, MemberService members, ConversationStore conversations, IdentifierParser identifiers,
    ProfileService profiles, ScreeningIndex index) : ITurnPrefetch
{
    public Task PrefetchAsync(string urn, Inbound input, CancellationToken ct)
    {
        if (!client.Enabled || members.FindByAddress(urn) is null) return Task.CompletedTask;
        if (conversations.Load(urn) is { Flow: "report" }) return Task.CompletedTask;
        // As the screening does: the same identifiers, as many at most, and only those this alert system does not know.
        var unknown = identifiers.Extract(input.Text, input.ContactPhone).Take(ScreeningService.MaxPerMessage)
            .Where(id => !index.TryGet(profiles.HashOf(id), out var summary) || summary.Classification == Classification.NotSignaled)
            .ToList();
        return client.PrefetchAsync(unknown, ct);
    }
}
