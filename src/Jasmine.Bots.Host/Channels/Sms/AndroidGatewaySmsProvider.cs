using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Sms;

/// <summary>
/// SMS Gateway for Android's REST API (its OpenAPI, app/src/main/assets/api/swagger.json): <c>POST {base}/messages</c>
/// with HTTP Basic auth or a JWT (<see cref="AndroidGatewayAuth"/>) and <c>{"id","textMessage":{"text"},"phoneNumbers":[…],"simNumber","ttl","withDeliveryReport"}</c>,
/// answered <c>202</c> with the message state. We choose the message id ourselves: the gateway answers 409 to an id it
/// already has, so a retry after a lost answer (or a crash) cannot send the SMS twice, and the id names the outbox
/// entry when the phone reports sms:sent / sms:delivered / sms:failed. Its HttpClient is registered without loggers.
/// </summary>
public sealed class AndroidGatewaySmsProvider(HttpClient http, IOptions<AndroidGatewayOptions> options, AndroidGatewayAuth auth, ILogger<AndroidGatewaySmsProvider> logger) : ISmsProvider
{
    public string Name => SmsOptions.AndroidGateway;
    public bool ReportsDelivery => true;
    public Outbox.ChannelBudget Pace => options.Value.Pace;

    public Task<SmsSendResult> SendAsync(string toE164, string body, CancellationToken ct) => SendAsync(toE164, body, null, ct);

    public async Task<SmsSendResult> SendAsync(string toE164, string body, string? messageId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toE164);
        ArgumentException.ThrowIfNullOrEmpty(body);
        var o = options.Value;
        if (!o.IsConfigured) throw new InvalidOperationException("The Android SMS gateway is not configured (Sms:AndroidGateway).");

        HttpResponseMessage? response = null;
        // Twice at most: a Bearer token the gateway no longer accepts (revoked, expired early) is replaced once.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            AuthenticationHeaderValue header;
            try { header = await auth.HeaderAsync(http, ct); }
            catch (Exception e) when (e is GatewayAuthException or HttpRequestException or JsonException || e is TaskCanceledException && !ct.IsCancellationRequested)
            {
                // No token (wrong credentials, the gateway unreachable): the message waits, it is not dropped.
                logger.LogWarning("Android SMS gateway: no token ({ExceptionType}); the message waits", e.GetType().Name);
                return new SmsSendResult(SmsSendStatus.RetryLater, RetryAfter: TimeSpan.FromMinutes(1));
            }
            using var request = new HttpRequestMessage(HttpMethod.Post, o.ApiBaseUrl!.TrimEnd('/') + "/messages");
            request.Headers.Authorization = header;
            request.Content = JsonContent.Create(new SendRequest(messageId, new TextMessage(body), [toE164], o.SimNumber, o.TtlSeconds, true), SendJson.Default.SendRequest);

            // The phone is off, out of Wi-Fi, or the server is down: wait.
            response = await SmsHttp.SendAsync(http, request, logger, "Android SMS gateway", ct);
            if (response is null) return new SmsSendResult(SmsSendStatus.RetryLater);
            if (response.StatusCode != HttpStatusCode.Unauthorized || header.Scheme != "Bearer" || attempt == 1) break;
            auth.Refused(header);
            response.Dispose();
        }

        using (response)
        {
            var status = (int)response!.StatusCode;
            if (response.StatusCode == HttpStatusCode.Conflict && messageId is not null)
            {
                // Our id is already there: an earlier attempt got through and only its answer was lost.
                logger.LogInformation("Android SMS gateway already had this message; not sent again");
                return new SmsSendResult(SmsSendStatus.Sent, messageId);
            }
            if (response.IsSuccessStatusCode)
            {
                var id = await ReadIdAsync(response, ct) ?? messageId;
                logger.LogDebug("Android SMS gateway queued a message (HTTP {HttpStatus})", status);
                return new SmsSendResult(SmsSendStatus.Sent, id);
            }
            // Its error "message" may quote the number: only the HTTP status is kept.
            var result = response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout
                    => new SmsSendResult(SmsSendStatus.RetryLater, RetryAfter: RetryAfter(response), ErrorCode: status),
                >= HttpStatusCode.InternalServerError => new SmsSendResult(SmsSendStatus.RetryLater, ErrorCode: status),
                // 400 is what the gateway answers to a number it cannot validate (the request itself is ours and well formed).
                HttpStatusCode.BadRequest => new SmsSendResult(SmsSendStatus.BadNumber, ErrorCode: status),
                _ => new SmsSendResult(SmsSendStatus.Failed, ErrorCode: status),
            };
            if (result.Status == SmsSendStatus.Failed)
                logger.LogError("Android SMS gateway refused a message: HTTP {HttpStatus} (check Sms:AndroidGateway credentials)", status);
            else
                logger.LogWarning("Android SMS gateway answered HTTP {HttpStatus}: {SendStatus}", status, result.Status);
            return result;
        }
    }

    public static readonly IReadOnlyList<string> WebhookEvents = ["sms:received", "sms:sent", "sms:delivered", "sms:failed"];

    /// <summary>
    /// Registers our webhook for each event we handle (<c>POST {base}/webhooks {"url","event"}</c>, one event per
    /// registration as the API has it), skipping those already there (<c>GET {base}/webhooks</c>). Returns the events newly registered.
    /// </summary>
    public async Task<IReadOnlyList<string>> RegisterWebhooksAsync(Uri webhookUrl, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.IsConfigured) throw new InvalidOperationException("The Android SMS gateway is not configured (Sms:AndroidGateway).");
        var header = await auth.HeaderAsync(http, ct);
        var baseUrl = o.ApiBaseUrl!.TrimEnd('/');
        using var list = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/webhooks");
        list.Headers.Authorization = header;
        using var listed = await http.SendAsync(list, ct);
        if (!listed.IsSuccessStatusCode) throw new InvalidOperationException($"The gateway answered HTTP {(int)listed.StatusCode} to GET /webhooks (check the credentials).");
        using var existing = JsonDocument.Parse(await listed.Content.ReadAsStringAsync(ct));
        var have = existing.RootElement.ValueKind == JsonValueKind.Array
            ? existing.RootElement.EnumerateArray()
                .Select(w => (Url: w.TryGetProperty("url", out var u) ? u.GetString() : null, Event: w.TryGetProperty("event", out var e) ? e.GetString() : null))
                .ToHashSet()
            : [];
        var added = new List<string>();
        foreach (var ev in WebhookEvents)
        {
            if (have.Contains((webhookUrl.AbsoluteUri, ev))) continue;
            using var register = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/webhooks")
            {
                Content = JsonContent.Create(new WebhookRegistration(webhookUrl.AbsoluteUri, ev), SendJson.Default.WebhookRegistration),
            };
            register.Headers.Authorization = header;
            using var response = await http.SendAsync(register, ct);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"The gateway answered HTTP {(int)response.StatusCode} to registering {ev}.");
            added.Add(ev);
        }
        return added;
    }

    internal sealed record WebhookRegistration(string Url, string Event);

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);

    private static async Task<string?> ReadIdAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException)
        {
            return null;
        }
    }

    internal sealed record TextMessage(string Text);

    internal sealed record SendRequest(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
        TextMessage TextMessage,
        IReadOnlyList<string> PhoneNumbers,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? SimNumber,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Ttl,
        bool WithDeliveryReport);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AndroidGatewaySmsProvider.SendRequest))]
[JsonSerializable(typeof(AndroidGatewaySmsProvider.WebhookRegistration))]
internal sealed partial class SendJson : JsonSerializerContext;
