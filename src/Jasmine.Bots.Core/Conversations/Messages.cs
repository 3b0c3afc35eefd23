namespace Jasmine.Bots.Conversations;

/// <summary>A point on Earth shared by a person (Telegram or Signal location).</summary>
public sealed record GeoPoint(double Latitude, double Longitude)
{
    /// <summary>
    /// A point only when both numbers are finite and on Earth: a client may send NaN, Infinity or latitude 91, and
    /// such a "place" used to fail the whole turn. Null means "not a location"; she gets the step's usual answer.
    /// </summary>
    public static GeoPoint? TryCreate(double latitude, double longitude) =>
        double.IsFinite(latitude) && double.IsFinite(longitude) && latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180
            ? new GeoPoint(latitude, longitude)
            : null;
}

/// <summary>What a person sent, whatever the channel: text, a tapped choice, a shared contact or location.</summary>
public sealed record Inbound(string Text, GeoPoint? Location = null, string? ContactPhone = null)
{
    public static Inbound FromText(string text) => new(text ?? "");

    /// <summary>
    /// The same message with control characters (NUL and the like, which no person types but an SMS gateway may pass
    /// on) turned into spaces, so they read as text: a signed SMS holding %00 used to fail its turn and be retried forever.
    /// Line breaks and tabs stay.
    /// </summary>
    public Inbound Clean()
    {
        if (!Text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))) return this;
        return this with { Text = string.Create(Text.Length, Text, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++) span[i] = char.IsControl(text[i]) && text[i] is not ('\n' or '\r' or '\t') ? ' ' : text[i];
        }) };
    }
}

/// <summary>One option offered to the person; channels render it as a button or a numbered line.</summary>
public sealed record Choice(string Label, string Value);

/// <summary>Extra things a channel may render beside the text when it can.</summary>
public enum ReplyExtra { None, Location }

/// <summary>A channel-neutral reply: text plus optional choices.</summary>
public sealed record Reply(string Text, IReadOnlyList<Choice> Choices)
{
    public Reply(string text) : this(text, []) { }

    /// <summary>A place to show on a map (Telegram venue); text already carries the address for other channels.</summary>
    public GeoPoint? Location { get; init; }
    public string? LocationTitle { get; init; }

    /// <summary>A file to send beside the text (Telegram document); channels that cannot send files send the text alone.</summary>
    public byte[]? DocumentBytes { get; init; }
    public string? DocumentName { get; init; }
    public string? DocumentMime { get; init; }
}
