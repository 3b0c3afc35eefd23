using System.Globalization;
using System.Text.RegularExpressions;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Members;
using Jasmine.Bots.Sms;

namespace Jasmine.Bots.Channels.Signal;

/// <summary>A Signal text becomes a turn; a shared location arrives as a maps link and is read back as a point.</summary>
public sealed partial class SignalInboundHandler(ChannelInbound inbound) : ISignalInboundHandler
{
    public async Task HandleAsync(SignalInbound message, CancellationToken ct)
    {
        var input = Inbound.FromText(message.Text);
        if (MapsLink().Match(message.Text) is { Success: true } m
            && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
            && double.TryParse(m.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
            && lat is >= -90 and <= 90 && lon is >= -180 and <= 180)
            input = new Inbound("", new GeoPoint(lat, lon));
        await inbound.HandleAsync("signal", $"{message.SourceNumber}:{message.Timestamp}", Urns.Signal(message.SourceNumber), input, ct);
    }

    // Signal shares a location as "https://maps.google.com/maps?q=48.8566%2C2.3522" (comma sometimes escaped).
    [GeneratedRegex(@"maps\.google\.com/maps\?q=(-?\d{1,2}(?:\.\d+)?)(?:,|%2C)(-?\d{1,3}(?:\.\d+)?)", RegexOptions.IgnoreCase)]
    private static partial Regex MapsLink();
}

/// <summary>Signal has no buttons: choices become numbered lines; the sent timestamp is the message's id (for remote delete).</summary>
public sealed class SignalSender(SignalApiClient client, Microsoft.Extensions.Options.IOptions<SignalOptions> options) : IChannelSender
{
    public string Scheme => "signal";
    public bool IsEnabled => options.Value.IsConfigured;

    public async Task<SendOutcome> SendAsync(string urn, OutboundMessage message, CancellationToken ct)
    {
        var text = SmsRendering.WithNumberedChoices(new Reply(message.Text, message.Choices));
        if (message.Location is { } at)
            text += $"\nhttps://maps.google.com/maps?q={at.Latitude.ToString("0.#####", CultureInfo.InvariantCulture)},{at.Longitude.ToString("0.#####", CultureInfo.InvariantCulture)}";
        var result = await client.SendAsync(Urns.Path(urn), text, ct);
        return result.Status switch
        {
            SignalSendStatus.Sent => SendOutcome.Sent(result.Timestamp?.ToString(CultureInfo.InvariantCulture) ?? ""),
            SignalSendStatus.RetryLater => SendOutcome.Retry(result.RetryAfter),
            _ => new SendOutcome(SendStatus.Dropped, Error: "refused by signal-cli"),
        };
    }
}
