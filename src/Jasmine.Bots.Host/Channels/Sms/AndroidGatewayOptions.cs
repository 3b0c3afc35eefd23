namespace Jasmine.Bots.Channels.Sms;

/// <summary>
/// Bound from <c>Sms:AndroidGateway</c> (SMS Gateway for Android, github.com/capcom6/android-sms-gateway). The
/// password and the signing key come from user-secrets or the environment, never appsettings.
/// </summary>
public sealed class AndroidGatewayOptions
{
    public const string SectionName = "Sms:AndroidGateway";
    /// <summary>The app's signing key is 8 random characters unless changed; we ask for a longer one.</summary>
    public const int MinSigningKeyLength = 16;

    /// <summary>The phone's local server (<c>http://192.168.1.20:8080</c>) or a cloud/private server's <c>…/3rdparty/v1</c>.</summary>
    public string? ApiBaseUrl { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }
    public const string AuthBasic = "basic", AuthJwt = "jwt";
    /// <summary>
    /// <c>basic</c> (every request carries the username and password) or <c>jwt</c> (they only obtain an hour's
    /// Bearer token with the scopes we use, see <see cref="AndroidGatewayAuth"/>).
    /// </summary>
    public string Auth { get; set; } = AuthBasic;
    /// <summary>Lifetime asked for a JWT (seconds).</summary>
    public int TokenTtlSeconds { get; set; } = 3600;
    /// <summary>The app's Settings → Webhooks → Signing Key: every webhook is checked against it.</summary>
    public string? SigningKey { get; set; }

    /// <summary>SMS per second (segments). One every two seconds, as a French SIM tolerates.</summary>
    public double PerSecond { get; set; } = 0.5;
    /// <summary>SMS (segments) per local day, replies included.</summary>
    public int PerDay { get; set; } = 500;
    /// <summary>Part of <see cref="PerDay"/> proactive messages (warnings) may never use: answers to women who write.</summary>
    public int ReservedForReplies { get; set; } = 50;

    /// <summary>After the phone reports sms:failed, the message is handed over again this long later (twice at most).</summary>
    public TimeSpan ResendAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>SIM slot (1–3) on a dual-SIM phone; null = the phone's default.</summary>
    public int? SimNumber { get; set; }
    /// <summary>Seconds the phone may keep trying a message before giving up (it then reports sms:failed); null = the app's default.</summary>
    public int? TtlSeconds { get; set; }
    /// <summary>Largest webhook body read; anything longer is refused with 413 before being parsed.</summary>
    public int MaxWebhookBytes { get; set; } = 64 * 1024;
    /// <summary>How far X-Timestamp may be from our clock (the docs advise ±5 minutes).</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(ApiBaseUrl) && !string.IsNullOrWhiteSpace(Username) && !string.IsNullOrWhiteSpace(Password)
        && !string.IsNullOrWhiteSpace(SigningKey);

    /// <summary>Every problem with the settings, in words that never quote a secret.</summary>
    internal IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(ApiBaseUrl)) yield return "Sms:AndroidGateway:ApiBaseUrl is required.";
        else if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            yield return "Sms:AndroidGateway:ApiBaseUrl must be an absolute http(s) URL.";
        if (string.IsNullOrWhiteSpace(Username)) yield return "Sms:AndroidGateway:Username is required.";
        if (string.IsNullOrWhiteSpace(Password)) yield return "Sms:AndroidGateway:Password is required.";
        if (string.IsNullOrWhiteSpace(SigningKey)) yield return "Sms:AndroidGateway:SigningKey is required: webhooks are refused without it.";
        else if (SigningKey.Length < MinSigningKeyLength)
            yield return $"Sms:AndroidGateway:SigningKey must be at least {MinSigningKeyLength} characters (set a long random key in the app: Settings → Webhooks → Signing Key).";
        if (!(PerSecond > 0) || PerSecond > 1000) yield return "Sms:AndroidGateway:PerSecond must be more than 0 and at most 1000.";
        if (PerDay < 1) yield return "Sms:AndroidGateway:PerDay must be at least 1.";
        if (ReservedForReplies < 0 || ReservedForReplies >= PerDay) yield return "Sms:AndroidGateway:ReservedForReplies must be at least 0 and less than PerDay.";
        if (SimNumber is < 1 or > 3) yield return "Sms:AndroidGateway:SimNumber must be 1, 2 or 3.";
        if (TtlSeconds is < 5) yield return "Sms:AndroidGateway:TtlSeconds must be at least 5.";
        if (MaxWebhookBytes is < 1024 or > 1024 * 1024) yield return "Sms:AndroidGateway:MaxWebhookBytes must be between 1 KiB and 1 MiB.";
        if (ResendAfter < TimeSpan.Zero) yield return "Sms:AndroidGateway:ResendAfter must not be negative.";
        if (Auth is not (AuthBasic or AuthJwt)) yield return "Sms:AndroidGateway:Auth must be 'basic' or 'jwt'.";
        if (TokenTtlSeconds is < 300 or > 86_400) yield return "Sms:AndroidGateway:TokenTtlSeconds must be between 300 and 86400.";
        if (TimestampTolerance <= TimeSpan.Zero || TimestampTolerance > TimeSpan.FromMinutes(15)) yield return "Sms:AndroidGateway:TimestampTolerance must be positive and at most 15 minutes.";
    }

    internal Outbox.ChannelBudget Pace => new(PerSecond, PerDay, ReservedForReplies) { ResendAfter = ResendAfter };
}
