using Jasmine.Bots.Conversations;

namespace Jasmine.Bots.Channels;

/// <summary>Why a message goes out: an answer to her, or something the service sends on its own initiative.</summary>
public enum OutboundKind { Reply, Proactive }

/// <summary>A channel-neutral message waiting in the outbox.</summary>
public sealed record OutboundMessage(string Text, IReadOnlyList<Choice> Choices, string Language)
{
    public OutboundKind Kind { get; init; } = OutboundKind.Reply;
    public GeoPoint? Location { get; init; }
    public string? LocationTitle { get; init; }
    /// <summary>Parts of a long message already delivered by an earlier attempt (SMS splits): not sent again.</summary>
    public int PartsSent { get; init; }
    /// <summary>
    /// Set by the outbox for channels that report delivery later: the reference the channel gives the gateway (plus
    /// the part number) so its sent/delivered/failed reports name the outbox entry. Not personal.
    /// </summary>
    public string? DeliveryRef { get; init; }

    /// <summary>An attachment (the doctor's note as a PDF) where the channel can carry one; the text says the same.</summary>
    public byte[]? DocumentBytes { get; init; }
    public string? DocumentName { get; init; }

    /// <summary>Not a message but an order to delete one the bot sent (its channel id), e.g. a WIPE's remote delete on Signal.</summary>
    public string? RemoteDeleteId { get; init; }
    /// <summary>Retried past the outbox's usual attempts, until this time (a remote delete: Signal's 24 h window).</summary>
    public DateTime? RetryUntil { get; init; }

    public static OutboundMessage From(Reply reply, string language) =>
        new(reply.Text, reply.Choices, language)
        {
            Location = reply.Location, LocationTitle = reply.LocationTitle,
            DocumentBytes = reply.DocumentBytes, DocumentName = reply.DocumentName,
        };
}

public enum SendStatus { Sent, RetryLater, Unreachable, Dropped }

/// <summary>What a channel said about one send. <see cref="ExternalIds"/> are the channel's ids of what was sent (message ids, timestamps).</summary>
public sealed record SendOutcome(SendStatus Status, TimeSpan? RetryAfter = null, IReadOnlyList<string>? ExternalIds = null, string? Error = null)
{
    /// <summary>For a retry: how many parts of the message did go out, so the retry starts after them.</summary>
    public int PartsSent { get; init; }

    public static SendOutcome Sent(params string[] ids) => new(SendStatus.Sent, ExternalIds: ids);
    public static SendOutcome Retry(TimeSpan? after = null, string? error = null) => new(SendStatus.RetryLater, after, Error: error);
}

/// <summary>One channel's way out. Implementations render the neutral message the best way the channel can.</summary>
public interface IChannelSender
{
    /// <summary>URN scheme served: "telegram", "tel", "signal".</summary>
    string Scheme { get; }
    /// <summary>Configured: a channel without its settings sends nothing (messages wait in the outbox).</summary>
    bool IsEnabled { get; }
    Task<SendOutcome> SendAsync(string urn, OutboundMessage message, CancellationToken ct);
}

/// <summary>Told the channel id of each message a person sent, where the channel lets the bot delete it later (WIPE).</summary>
public interface IInboundMessageIds
{
    /// <summary>Called inside the turn's transaction, with the time her message came in (before the turn ran).</summary>
    void Received(string urn, string messageId, DateTimeOffset at);
}
