namespace Jasmine.Bots.Conversations;

/// <summary>A point on Earth shared by a person (Telegram or Signal location).</summary>
public sealed record GeoPoint(double Latitude, double Longitude);

/// <summary>What a person sent, whatever the channel: text, a tapped choice, a shared contact or location.</summary>
public sealed record Inbound(string Text, GeoPoint? Location = null, string? ContactPhone = null)
{
    public static Inbound FromText(string text) => new(text ?? "");
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
