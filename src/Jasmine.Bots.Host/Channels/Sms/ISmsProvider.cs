namespace Jasmine.Bots.Channels.Sms;

/// <summary>
/// One SMS gateway: Twilio, or SMS Gateway for Android on a phone with a French SIM (French long codes at Twilio
/// carry person-to-person traffic only). <c>Sms:Provider</c> picks one. Implementations never log the number, the
/// body or their credentials.
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

    /// <summary>
    /// Sends with an id of ours that the gateway keeps (so a retry of the same id is not sent twice, and delivery
    /// reports name it). Gateways that take no such id ignore it.
    /// </summary>
    Task<SmsSendResult> SendAsync(string toE164, string body, string? messageId, CancellationToken ct) => SendAsync(toE164, body, ct);

    /// <summary>True when the gateway reports sent/delivered/failed later (webhooks), naming the id given to it.</summary>
    bool ReportsDelivery => false;

    /// <summary>What the route allows per second and per day.</summary>
    Outbox.ChannelBudget Pace { get; }
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

/// <summary>What both gateways do around one HTTP call: a network failure or a time-out means "retry later".</summary>
internal static class SmsHttp
{
    /// <returns>The response, or null when the gateway could not be reached in time (logged by kind only: exception messages can carry the URI).</returns>
    public static async Task<HttpResponseMessage?> SendAsync(HttpClient http, HttpRequestMessage request, ILogger logger, string gateway, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning("{Gateway} unreachable ({Error}); will retry later", gateway, e.HttpRequestError);
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("{Gateway} did not answer within {Timeout}; will retry later", gateway, http.Timeout);
            return null;
        }
    }
}
