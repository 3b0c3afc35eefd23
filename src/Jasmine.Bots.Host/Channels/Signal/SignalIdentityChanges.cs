using System.Collections.Concurrent;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Members;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Signal;

/// <summary>
/// A member's safety number changed (new phone, Signal reinstalled): signal-cli, trusting on first use, then refuses to
/// send to her (400 "Untrusted Identity") and cannot read what she sends (an <c>UntrustedIdentityException</c> item),
/// which locks her out both ways. With <c>Signal:TrustMode=notify</c> her new key is trusted through
/// <c>PUT /v1/identities/{number}/trust/{her uuid}</c> and she gets a short note saying so, and asking her to send again
/// what may have been lost. <c>manual</c> leaves it to an admin; <c>always</c> has signal-cli trust silently.
/// </summary>
public sealed class SignalIdentityChanges(
    SignalApiClient client,
    IServiceProvider services,
    IOptions<SignalOptions> options,
    ILogger<SignalIdentityChanges> logger,
    TimeProvider? time = null)
{
    public const string NoteKey = "signal.safety_number_changed";
    // One trust (and one note) per person per window: a send that still fails after it must back off, not loop.
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _recent = new(StringComparer.Ordinal);

    /// <summary>True when her new key is now trusted (the caller may retry at once).</summary>
    public async Task<bool> ChangedAsync(string urn, CancellationToken ct)
    {
        var mode = options.Value.TrustMode;
        if (mode != SignalTrustModes.Notify)
        {
            logger.LogWarning("A Signal contact's safety number changed; Signal:TrustMode is {TrustMode}, so nothing is trusted automatically", mode);
            return false;
        }
        var now = (time ?? TimeProvider.System).GetUtcNow();
        if (_recent.TryGetValue(urn, out var last) && now - last < Window) return false;
        _recent[urn] = now;
        foreach (var old in _recent.Where(p => now - p.Value >= Window).Select(p => p.Key).ToList()) _recent.TryRemove(old, out _);

        var result = await client.TrustAllKnownKeysAsync(Urns.Path(urn), ct);
        if (!result.Succeeded)
        {
            logger.LogWarning("Trusting a changed Signal safety number failed ({ErrorKind})", result.Error);
            return false;
        }
        logger.LogInformation("A Signal contact's new safety number was trusted; she is told so");
        // Resolved late: the outbox's dispatcher needs the Signal sender, which needs this class.
        // Only someone the bot is talking with gets the note: a member, or a newcomer in the middle of joining.
        var member = services.GetService<MemberService>()?.FindByAddress(urn);
        var conversation = member is null ? services.GetService<Conversations.ConversationStore>()?.Load(urn) : null;
        if ((member is not null || conversation is not null)
            && services.GetService<Outbox.Outbox>() is { } outbox && services.GetService<Locales>() is { } locales)
        {
            var language = member?.Language ?? conversation?.Language ?? "fr";
            outbox.Send(urn, [new OutboundMessage(locales[language].Get(NoteKey), [], language) { Kind = OutboundKind.Proactive }]);
        }
        return true;
    }
}
