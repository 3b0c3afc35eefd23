namespace Jasmine.Bots.Channels.Sms;

/// <summary>Bound from <c>Sms:Twilio</c>. The auth token comes from user-secrets or the environment, never appsettings.</summary>
public sealed class TwilioOptions
{
    public const string SectionName = "Sms:Twilio";

    public string? AccountSid { get; set; }
    public string? AuthToken { get; set; }

    /// <summary>Sender number (E.164) or alphanumeric sender id; ignored when <see cref="MessagingServiceSid"/> is set.</summary>
    public string? From { get; set; }

    public string? MessagingServiceSid { get; set; }

    /// <summary>Overridable so tests can point at a local fake.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>The public webhook URL exactly as configured in Twilio: the signature is computed over it.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>SMS per second through Twilio (a French virtual number: set 0.5).</summary>
    public double PerSecond { get; set; } = 10;
    /// <summary>SMS segments per local day; 0 = no daily budget (a French virtual number: set 500).</summary>
    public int PerDay { get; set; }
    public int ReservedForReplies { get; set; }

    internal Outbox.ChannelBudget Pace => new(PerSecond, PerDay, ReservedForReplies);

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(AccountSid)
        && !string.IsNullOrWhiteSpace(AuthToken)
        && (!string.IsNullOrWhiteSpace(From) || !string.IsNullOrWhiteSpace(MessagingServiceSid));

    internal bool HasValidUrls =>
        IsAbsoluteHttp(ApiBaseUrl) && (string.IsNullOrEmpty(WebhookUrl) || IsAbsoluteHttp(WebhookUrl));

    private static bool IsAbsoluteHttp(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
