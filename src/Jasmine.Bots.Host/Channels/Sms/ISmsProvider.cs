namespace Jasmine.Bots.Channels.Sms;

/// <summary>
/// One SMS gateway. Twilio today; a French SIM-based gateway may follow, since French long codes at Twilio carry
/// person-to-person traffic only. Implementations never log the number, the body or their credentials.
/// </summary>
public interface ISmsProvider
{
    /// <summary>Short stable name, for logs and metrics.</summary>
    string Name { get; }

    /// <summary>
    /// Sends one message (the caller has already split it with <see cref="Jasmine.Bots.Sms.SmsSegments.Split"/>).
    /// Gateway refusals and transient failures come back as a <see cref="SmsSendResult"/>, not as exceptions.
    /// </summary>
    Task<SmsSendResult> SendAsync(string toE164, string body, CancellationToken ct);
}

/// <summary>What the caller should do next.</summary>
public enum SmsSendStatus
{
    /// <summary>Accepted by the gateway.</summary>
    Sent,
    /// <summary>The recipient sent STOP: do not retry, mark them unreachable by SMS.</summary>
    OptedOut,
    /// <summary>The number cannot receive SMS (invalid, landline, unreachable region): do not retry.</summary>
    BadNumber,
    /// <summary>Rate limited, gateway down or network trouble: try again, after <see cref="SmsSendResult.RetryAfter"/> if given.</summary>
    RetryLater,
    /// <summary>Refused for another reason (credentials, account, request): retrying will not help.</summary>
    Failed,
}

/// <param name="ProviderId">The gateway's message id (Twilio's <c>SM…</c> sid) when sent.</param>
/// <param name="ErrorCode">The gateway's error code when it gave one.</param>
public sealed record SmsSendResult(SmsSendStatus Status, string? ProviderId = null, TimeSpan? RetryAfter = null, int? ErrorCode = null);
