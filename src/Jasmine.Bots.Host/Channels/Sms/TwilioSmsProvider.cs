using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Sms;

/// <summary>
/// Twilio Programmable Messaging over plain HTTP (no SDK). Register its HttpClient with loggers removed: the
/// default handlers log request URIs, and nothing about a send may reach a log except status, error code and sid.
/// </summary>
public sealed class TwilioSmsProvider(HttpClient http, IOptions<TwilioOptions> options, ILogger<TwilioSmsProvider> logger) : ISmsProvider
{
    public const int MaxBodyLength = 1600;

    private const int UnsubscribedRecipient = 21610;
    private const int TooManyRequests = 20429;
    private static readonly HashSet<int> BadNumberCodes =
    [
        21211, // invalid 'To' number
        21614, // 'To' is not a mobile number
        21408, // region not enabled for this account
        21612, // 'To' not reachable via SMS from this sender
    ];

    public string Name => "twilio";
    public Outbox.ChannelBudget Pace => options.Value.Pace;

    public async Task<SmsSendResult> SendAsync(string toE164, string body, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toE164);
        ArgumentException.ThrowIfNullOrEmpty(body);
        // Twilio would refuse it (21617); more than 1600 chars means the caller skipped SmsSegments.Split.
        if (body.Length > MaxBodyLength)
            throw new ArgumentException($"SMS body is {body.Length} characters; Twilio accepts at most {MaxBodyLength}.", nameof(body));

        var o = options.Value;
        if (!o.IsConfigured)
            throw new InvalidOperationException("Twilio is not configured (Sms:Twilio).");

        using var request = new HttpRequestMessage(HttpMethod.Post, MessagesUri(o));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.AccountSid}:{o.AuthToken}")));
        request.Content = new FormUrlEncodedContent(
        [
            new("To", toE164),
            string.IsNullOrWhiteSpace(o.MessagingServiceSid)
                ? new("From", o.From!)
                : new("MessagingServiceSid", o.MessagingServiceSid),
            new("Body", body),
        ]);

        // A network failure or a time-out: wait, and never log the URI (it carries the account sid).
        var response = await SmsHttp.SendAsync(http, request, logger, "Twilio", ct);
        if (response is null) return new SmsSendResult(SmsSendStatus.RetryLater);

        using (response)
        {
            var json = await ReadJsonAsync(response, ct);
            if (response.IsSuccessStatusCode)
            {
                var sid = json is { } doc && doc.TryGetProperty("sid", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                logger.LogDebug("Twilio accepted message {MessageSid}", sid);
                return new SmsSendResult(SmsSendStatus.Sent, sid);
            }

            // Twilio's error "message" often quotes the number: only the numeric code is kept.
            var code = json is { } err && err.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : (int?)null;
            var status = Classify(response.StatusCode, code);
            var retryAfter = status == SmsSendStatus.RetryLater ? RetryAfter(response) : null;

            if (status == SmsSendStatus.RetryLater)
                logger.LogWarning("Twilio answered HTTP {HttpStatus} with error {ErrorCode}; will retry later", (int)response.StatusCode, code);
            else if (status == SmsSendStatus.Failed)
                logger.LogError("Twilio refused a message: HTTP {HttpStatus}, error {ErrorCode}", (int)response.StatusCode, code);
            else
                logger.LogInformation("Twilio refused a message as {SendStatus} (error {ErrorCode})", status, code);

            return new SmsSendResult(status, RetryAfter: retryAfter, ErrorCode: code);
        }
    }

    internal static SmsSendStatus Classify(HttpStatusCode http, int? code) => (http, code) switch
    {
        (_, UnsubscribedRecipient) => SmsSendStatus.OptedOut,
        (_, int c) when BadNumberCodes.Contains(c) => SmsSendStatus.BadNumber,
        (HttpStatusCode.TooManyRequests, _) or (_, TooManyRequests) => SmsSendStatus.RetryLater,
        ( >= HttpStatusCode.InternalServerError, _) => SmsSendStatus.RetryLater,
        _ => SmsSendStatus.Failed,
    };

    private static Uri MessagesUri(TwilioOptions o) =>
        new($"{o.ApiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(o.AccountSid!)}/Messages.json");

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    private static async Task<JsonElement?> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException)
        {
            // A proxy's HTML error page, an empty 5xx, a cut connection: the HTTP status alone decides.
            return null;
        }
    }
}
