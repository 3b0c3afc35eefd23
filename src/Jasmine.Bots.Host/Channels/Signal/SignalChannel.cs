using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Members;
using Jasmine.Bots.Sms;

namespace Jasmine.Bots.Channels.Signal;

/// <summary>
/// A Signal text becomes a turn for <c>signal:&lt;uuid&gt;</c> (her number, when Signal shows it, only links an older
/// number address to her uuid, see <see cref="MemberService.ResolveSignal"/>); a shared location arrives as a maps
/// link and is read back as a point. An edit is the new text of that message: handled once, like a message.
/// </summary>
public sealed partial class SignalInboundHandler(
    ChannelInbound inbound,
    MemberService members,
    SignalApiClient client,
    ConversationStore conversations,
    IServiceProvider services,
    TimeProvider time) : ISignalInboundHandler
{
    /// <summary>An edit later than this is her next message, not a correction of the answer.</summary>
    public static readonly TimeSpan EditWindow = TimeSpan.FromMinutes(15);
    private const int RememberedTurns = 1024;

    /// <summary>Her last answer to a step of a flow: the state before it (encrypted, in memory only) and a hash of the state after.</summary>
    private sealed record LastAnswer(long Timestamp, byte[] BeforeSealed, string AfterHash, DateTimeOffset At);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, LastAnswer> _lastAnswers = new(StringComparer.Ordinal);

    public async Task HandleAsync(SignalInbound message, CancellationToken ct)
    {
        if (message is { SourceNumber: null, SourceUuid: { } uuid } && !_staffByUuid.ContainsKey(uuid) && !IsStaff(Urns.Signal(uuid))
            && members.Address(Urns.Signal(uuid)) is null)
            message = message with { SourceNumber = await NumberKnownToSignalCliAsync(uuid, ct) };
        var input = Inbound.FromText(message.Text);
        if (MapsLink().Match(message.Text) is { Success: true } m
            && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
            && double.TryParse(m.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
            && lat is >= -90 and <= 90 && lon is >= -180 and <= 180)
            input = new Inbound("", new GeoPoint(lat, lon));
        string urn;
        if (message.SourceUuid is { } id && _staffByUuid.TryGetValue(id, out var staffUrn))
        {
            urn = staffUrn;
        }
        else if (message.SourceNumber is { } n && IsStaff(Urns.Signal(n)))
        {
            // Follow-up staff configured by number (Jasmine:FollowUp:Rota "signal:+33…") stay that address: it is
            // what the case service knows them by. Remembered by uuid for their later, number-less messages.
            urn = Urns.Signal(n);
            if (message.SourceUuid is { } staffUuid) _staffByUuid[staffUuid] = urn;
        }
        else
        {
            urn = members.ResolveSignal(message.SourceUuid, message.SourceNumber);
        }
        // Marked unreachable when Signal said she was not registered: writing to us proves she is again.
        if (members.Address(urn) is { Unreachable: true }) members.SetUnreachable(urn, false);
        var now = time.GetUtcNow();
        var current = conversations.Load(urn);
        ConversationState? replaced = null;
        if (message.EditOf is { } target && _lastAnswers.TryGetValue(urn, out var last) && last.Timestamp == target
            && now - last.At < EditWindow && current is not null && HashOf(current) == last.AfterHash)
        {
            // She corrected her answer while the bot still waits on the step that followed it: back to the step she
            // answered, and the edited text answers it again.
            replaced = current;
            current = conversations.Unseal(last.BeforeSealed);
            conversations.Save(urn, current);
        }
        // The edit's own envelope timestamp is its id: each version is handled once.
        bool handled;
        try
        {
            handled = await inbound.HandleAsync("signal", $"{message.Source}:{message.Timestamp}", urn, input, ct);
        }
        catch when (replaced is not null)
        {
            conversations.Save(urn, replaced);
            throw;
        }
        if (!handled)
        {
            // A re-delivery: nothing ran, so nothing may have moved.
            if (replaced is not null) conversations.Save(urn, replaced);
            return;
        }
        Remember(urn, message.EditOf ?? message.Timestamp, current, conversations.Load(urn), now);
    }

    /// <summary>Only an answer inside a flow that is still open can be replaced: a finished flow has done its work.</summary>
    private void Remember(string urn, long timestamp, ConversationState? before, ConversationState? after, DateTimeOffset now)
    {
        if (before is { InFlow: true } && after is { InFlow: true } && before.Flow == after.Flow)
        {
            if (_lastAnswers.Count >= RememberedTurns)
                foreach (var old in _lastAnswers.Where(p => now - p.Value.At >= EditWindow).Select(p => p.Key).ToList()) _lastAnswers.TryRemove(old, out _);
            if (_lastAnswers.Count >= RememberedTurns) _lastAnswers.Clear();
            _lastAnswers[urn] = new LastAnswer(timestamp, conversations.Seal(before), HashOf(after), now);
        }
        else
        {
            _lastAnswers.TryRemove(urn, out _);
        }
    }

    private static string HashOf(ConversationState? state) =>
        state is null ? "" : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(state)));

    /// <summary>
    /// A uuid we have never seen may still be a member we know by number (she linked Signal by typing her number, or
    /// joined before uuids were used): signal-cli learnt her number with her uuid when it sent to that number, and
    /// says so in its identities. The number is only used to find the hash of her older address.
    /// </summary>
    private async Task<string?> NumberKnownToSignalCliAsync(string uuid, CancellationToken ct)
    {
        // In normal mode each call starts a signal-cli JVM: a stranger writing ten times costs one look-up an hour.
        var now = DateTimeOffset.UtcNow;
        if (_lookedUp.TryGetValue(uuid, out var at) && now - at < LookUpAgainAfter) return null;
        if (_lookedUp.Count > 4096) _lookedUp.Clear();
        _lookedUp[uuid] = now;
        var identities = await client.ListIdentitiesAsync(ct);
        var number = identities?.FirstOrDefault(i => string.Equals(i.Uuid, uuid, StringComparison.OrdinalIgnoreCase) && SignalEnvelopes.IsE164(i.Number))?.Number;
        return number is not null && (members.Address(Urns.Signal(number)) is { Alias: false } || IsStaff(Urns.Signal(number))) ? number : null;
    }

    private bool IsStaff(string urn) => services.GetService<FollowUp.CaseService>()?.IsStaff(urn) == true;

    private static readonly TimeSpan LookUpAgainAfter = TimeSpan.FromHours(1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _lookedUp = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _staffByUuid = new(StringComparer.Ordinal);

    // Signal shares a location as "https://maps.google.com/maps?q=48.8566%2C2.3522" (comma sometimes escaped).
    [GeneratedRegex(@"maps\.google\.com/maps\?q=(-?\d{1,2}(?:\.\d+)?)(?:,|%2C)(-?\d{1,3}(?:\.\d+)?)", RegexOptions.IgnoreCase)]
    private static partial Regex MapsLink();
}

/// <summary>Signal has no buttons: choices become numbered lines; the sent timestamp is the message's id (for remote delete).</summary>
public sealed class SignalSender(SignalApiClient client, SignalIdentityChanges identities, Microsoft.Extensions.Options.IOptions<SignalOptions> options) : IChannelSender
{
    public string Scheme => "signal";
    public bool IsEnabled => options.Value.IsConfigured;

    public async Task<SendOutcome> SendAsync(string urn, OutboundMessage message, CancellationToken ct)
    {
        if (message.RemoteDeleteId is { } id) return await DeleteAsync(urn, id, message, ct);
        var text = SmsRendering.WithNumberedChoices(new Reply(message.Text, message.Choices));
        if (message.Location is { } at)
            text += $"\nhttps://maps.google.com/maps?q={at.Latitude.ToString("0.#####", CultureInfo.InvariantCulture)},{at.Longitude.ToString("0.#####", CultureInfo.InvariantCulture)}";
        var result = await client.SendAsync(Urns.Path(urn), text, ct);
        if (result.Error == SignalErrorKind.UntrustedIdentity && await identities.ChangedAsync(urn, ct))
            // Her new key is trusted now: the retry goes out at once.
            return SendOutcome.Retry(TimeSpan.Zero, "untrusted identity, now trusted");
        return Outcome(result.Status, result.Error, result.RetryAfter,
            () => SendOutcome.Sent(result.Timestamp?.ToString(CultureInfo.InvariantCulture) ?? ""));
    }

    /// <summary>A remote delete queued by WIPE: retried with the outbox's back-off until Signal takes it or the
    /// message is past Signal's delete window (<see cref="OutboundMessage.RetryUntil"/>), then dropped.</summary>
    private async Task<SendOutcome> DeleteAsync(string urn, string id, OutboundMessage message, CancellationToken ct)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return new SendOutcome(SendStatus.Dropped, Error: "not a Signal timestamp");
        var result = await client.RemoteDeleteAsync(Urns.Path(urn), timestamp, ct);
        if (result.Error == SignalErrorKind.UntrustedIdentity && await identities.ChangedAsync(urn, ct))
            return SendOutcome.Retry(TimeSpan.Zero, "untrusted identity, now trusted");
        return Outcome(result.Status, result.Error, null, () => SendOutcome.Sent());
    }

    private static SendOutcome Outcome(SignalSendStatus status, SignalErrorKind error, TimeSpan? retryAfter, Func<SendOutcome> sent) => status switch
    {
        SignalSendStatus.Sent => sent(),
        // Rate limits and CAPTCHAs are the account's: the outbox pauses the whole channel for retry-after.
        SignalSendStatus.RetryLater => SendOutcome.Retry(retryAfter, error.ToString()),
        _ when error == SignalErrorKind.Unregistered => new SendOutcome(SendStatus.Unreachable, Error: "not on Signal"),
        _ => new SendOutcome(SendStatus.Dropped, Error: error.ToString()),
    };
}
