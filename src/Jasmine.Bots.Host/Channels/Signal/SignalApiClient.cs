using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Signal;

public enum SignalSendStatus
{
    Sent,
    /// <summary>Rate limited (429), server error (5xx), timeout or network failure: try again later.</summary>
    RetryLater,
    /// <summary>Rejected (400, e.g. the recipient is not on Signal): retrying will not help.</summary>
    Failed,
}

/// <param name="Timestamp">Signal timestamp of the sent message, needed to delete it remotely later.</param>
/// <param name="RetryAfter">Only when the API said how long to wait (Retry-After header).</param>
public sealed record SignalSendResult(SignalSendStatus Status, long? Timestamp, TimeSpan? RetryAfter);

public sealed record SignalAbout(string? Version, string? Mode, int? Build);

/// <summary>
/// Typed client for signal-cli-rest-api (checked against 0.100, swagger <c>src/docs/swagger.json</c>), used in
/// normal/native mode. Error bodies are never logged or returned: signal-cli puts phone numbers in them.
/// </summary>
public sealed class SignalApiClient(HttpClient http, IOptions<SignalOptions> options, ILogger<SignalApiClient> logger)
{
    // Normal mode starts a signal-cli JVM per request, which alone can take many seconds on a small host.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly SignalOptions _options = options.Value;

    /// <summary>Long-polls for new messages. Throws <see cref="HttpRequestException"/> (with the status code when
    /// there was an answer) or a timeout <see cref="OperationCanceledException"/> when the API is unusable.</summary>
    public async Task<IReadOnlyList<SignalInbound>> ReceiveAsync(CancellationToken ct)
    {
        var number = RequireNumber();
        // Attachments, stories, avatars and stickers are not downloaded: we only read text, and a harm-reduction bot
        // should not keep people's pictures on disk. No read receipts: the conversation layer decides what to reveal.
        var uri = Endpoint($"v1/receive/{Uri.EscapeDataString(number)}?timeout={_options.ReceiveTimeoutSeconds}"
            + "&ignore_attachments=true&ignore_stories=true&ignore_avatars=true&ignore_stickers=true&send_read_receipts=false");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.ReceiveTimeoutSeconds) + CommandTimeout);
        using var response = await http.GetAsync(uri, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            // In normal mode every signal-cli failure comes back as 400, so the body is the only detail, and it is
            // not safe to log.
            throw new HttpRequestException($"signal-cli-rest-api receive answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        return SignalEnvelopes.Parse(body, number);
    }

    /// <remarks>A network failure after the request was written is reported as RetryLater, so a retry can
    /// occasionally deliver a message twice; losing a safety message would be worse.</remarks>
    public async Task<SignalSendResult> SendAsync(string recipient, string message, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(recipient);
        ArgumentNullException.ThrowIfNull(message);
        var request = new SendRequest(message, RequireNumber(), [recipient], "normal");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(CommandTimeout);
            using var response = await http.PostAsJsonAsync(Endpoint("v2/send"), request, Json, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return new SignalSendResult(SignalSendStatus.Sent, await ReadTimestampAsync(response, timeout.Token), null);
            }

            var status = IsTransient(response.StatusCode) ? SignalSendStatus.RetryLater : SignalSendStatus.Failed;
            // A 429 carries challenge_tokens that only a human can redeem (captcha via
            // /v1/accounts/{number}/rate-limit-challenge); we just back off.
            logger.LogWarning("Signal send answered {StatusCode}, treated as {SendStatus}", (int)response.StatusCode, status);
            return new SignalSendResult(status, null, status == SignalSendStatus.RetryLater ? RetryAfter(response) : null);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Signal send failed without an answer ({ErrorType})", ex.HttpRequestError);
            return new SignalSendResult(SignalSendStatus.RetryLater, null, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Signal send timed out");
            return new SignalSendResult(SignalSendStatus.RetryLater, null, null);
        }
    }

    /// <summary>Deletes a message we sent, for everyone (the timestamp is the one <see cref="SendAsync"/> returned).</summary>
    public async Task<bool> RemoteDeleteAsync(string recipient, long timestamp, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(recipient);
        using var request = new HttpRequestMessage(HttpMethod.Delete, Endpoint($"v1/remote-delete/{Uri.EscapeDataString(RequireNumber())}"))
        {
            Content = JsonContent.Create(new RemoteDeleteRequest(recipient, timestamp), options: Json),
        };
        return await CommandAsync(request, "remote delete", ct);
    }

    /// <summary>Sets the disappearing-messages timer of our one-to-one chat with <paramref name="recipient"/>
    /// (0 turns it off). No contact name is sent, so signal-cli stores no name for the person.</summary>
    public async Task<bool> SetDisappearingAsync(string recipient, int expirationSeconds, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(recipient);
        ArgumentOutOfRangeException.ThrowIfNegative(expirationSeconds);
        using var request = new HttpRequestMessage(HttpMethod.Put, Endpoint($"v1/contacts/{Uri.EscapeDataString(RequireNumber())}"))
        {
            Content = JsonContent.Create(new UpdateContactRequest(recipient, expirationSeconds), options: Json),
        };
        return await CommandAsync(request, "contact update", ct);
    }

    /// <summary>Version and mode of the API (<c>GET /v1/about</c>), or null when it cannot be reached.</summary>
    public async Task<SignalAbout?> GetAboutAsync(CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(CommandTimeout);
            return await http.GetFromJsonAsync<SignalAbout>(Endpoint("v1/about"), Json, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException
                                   || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning("Signal about failed ({ExceptionType})", ex.GetType().Name);
            return null;
        }
    }

    /// <summary>Human-readable version and mode, e.g. <c>0.100 (normal)</c>, or null when unreachable.</summary>
    public async Task<string?> AboutAsync(CancellationToken ct) =>
        await GetAboutAsync(ct) is { } about ? $"{about.Version ?? "unknown"} ({about.Mode ?? "unknown mode"})" : null;

    private async Task<bool> CommandAsync(HttpRequestMessage request, string what, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(CommandTimeout);
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Signal {Command} answered {StatusCode}", what, (int)response.StatusCode);
            }
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Signal {Command} failed without an answer ({ErrorType})", what, ex.HttpRequestError);
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Signal {Command} timed out", what);
            return false;
        }
    }

    private static async Task<long?> ReadTimestampAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            // The API documents the timestamp as a string; accept a number too in case that ever changes.
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("timestamp", out var ts))
            {
                if (ts.ValueKind == JsonValueKind.String && long.TryParse(ts.GetString(), out var fromString))
                {
                    return fromString;
                }
                if (ts.ValueKind == JsonValueKind.Number && ts.TryGetInt64(out var fromNumber))
                {
                    return fromNumber;
                }
            }
        }
        catch (JsonException)
        {
            // The message went out; only the timestamp (for remote delete) is lost.
        }
        return null;
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when date > DateTimeOffset.UtcNow => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    private string RequireNumber() =>
        _options.Number is { Length: > 0 } number
            ? number
            : throw new InvalidOperationException("Signal is not configured (Signal:Number is missing).");

    private Uri Endpoint(string relative)
    {
        if (_options.ApiBaseUrl is not { Length: > 0 } baseUrl)
        {
            throw new InvalidOperationException("Signal is not configured (Signal:ApiBaseUrl is missing).");
        }
        // Without the trailing slash a base such as http://host/signal/ would lose its last segment.
        return new Uri(new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/"), relative);
    }

    private sealed record SendRequest(string Message, string Number, IReadOnlyList<string> Recipients, string TextMode);

    private sealed record RemoteDeleteRequest(string Recipient, long Timestamp);

    private sealed record UpdateContactRequest(string Recipient, int ExpirationInSeconds);
}
