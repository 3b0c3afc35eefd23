using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Signal;

public enum SignalSendStatus
{
    Sent,
    /// <summary>Rate limited, CAPTCHA asked, network failure, signal-cli killed, untrusted identity, 5xx, timeout:
    /// try again later (see <see cref="SignalSendResult.Error"/> for which).</summary>
    RetryLater,
    /// <summary>Refused for good (the recipient is not on Signal, or the request itself is wrong).</summary>
    Failed,
}

/// <param name="Timestamp">Signal timestamp of the sent message, needed to delete it remotely later.</param>
/// <param name="RetryAfter">Only when the API said how long to wait (Retry-After header or signal-cli's text).</param>
/// <param name="Error">What went wrong, sorted by meaning; never the text itself.</param>
public sealed record SignalSendResult(SignalSendStatus Status, long? Timestamp, TimeSpan? RetryAfter, SignalErrorKind Error = SignalErrorKind.None);

/// <summary>Outcome of a command (remote delete, contact update, trust): done, worth retrying, or refused for good.</summary>
public sealed record SignalCommandResult(SignalSendStatus Status, SignalErrorKind Error = SignalErrorKind.None)
{
    public bool Succeeded => Status == SignalSendStatus.Sent;
    public static readonly SignalCommandResult Done = new(SignalSendStatus.Sent);
}

public sealed record SignalAbout(string? Version, string? Mode, int? Build);

/// <summary>One entry of <c>GET /v1/identities/{number}</c>: whose key it is and whether it is trusted.</summary>
public sealed record SignalIdentity(string? Number, string? Uuid, string? Status);

/// <summary>A receive that failed with an answer: the status and what signal-cli's text meant (never the text).</summary>
public sealed class SignalApiException(string message, HttpStatusCode status, SignalErrorKind kind) : HttpRequestException(message, null, status)
{
    public SignalErrorKind Kind { get; } = kind;
}

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
    public async Task<IReadOnlyList<SignalInbound>> ReceiveAsync(CancellationToken ct) => (await ReceiveBatchAsync(ct)).Messages;

    /// <summary>One receive, with the counts of what could not be read (see <see cref="SignalEnvelopes.ParseBatch"/>).</summary>
    public Task<SignalBatch> ReceiveBatchAsync(CancellationToken ct) => ReceiveBatchAsync(_options.MaxMessages, ct);

    /// <inheritdoc cref="ReceiveBatchAsync(CancellationToken)"/>
    public async Task<SignalBatch> ReceiveBatchAsync(int maxMessages, CancellationToken ct)
    {
        var number = RequireNumber();
        // Attachments, stories, avatars and stickers are not downloaded: we only read text, and a harm-reduction bot
        // should not keep people's pictures on disk. No read receipts: the conversation layer decides what to reveal.
        // max_messages keeps one receive well inside the API's 120 s kill of signal-cli, which would lose the lot.
        var uri = Endpoint($"v1/receive/{Uri.EscapeDataString(number)}?timeout={_options.ReceiveTimeoutSeconds}"
            + $"&max_messages={Math.Clamp(maxMessages, 1, _options.MaxMessages)}"
            + "&ignore_attachments=true&ignore_stories=true&ignore_avatars=true&ignore_stickers=true&send_read_receipts=false");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.ReceiveTimeoutSeconds) + CommandTimeout);
        using var response = await http.GetAsync(uri, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            // In normal mode every signal-cli failure comes back as 400, so the body is the only detail: it is sorted
            // by meaning and the text itself dropped (it can name people).
            var (text, _) = await ReadErrorAsync(response, timeout.Token);
            var kind = SignalErrors.Classify(response.StatusCode, text);
            throw new SignalApiException($"signal-cli-rest-api receive answered {(int)response.StatusCode} ({kind}).", response.StatusCode, kind);
        }
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        return SignalEnvelopes.ParseBatch(body, number);
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
                var (timestamp, reason) = await ReadSendAnswerAsync(response, timeout.Token);
                if (reason is null) return new SignalSendResult(SignalSendStatus.Sent, timestamp, null);
                // Newer APIs answer 201 with per-recipient errors: for our one recipient, that means not delivered.
                var refused = SignalErrors.Classify(reason);
                if (refused == SignalErrorKind.BadRequest) refused = SignalErrorKind.Unknown;
                return Refused("send", response.StatusCode, refused, null);
            }

            var (text, challenge) = await ReadErrorAsync(response, timeout.Token);
            var kind = SignalErrors.Classify(response.StatusCode, text, challenge);
            return Refused("send", response.StatusCode, kind, RetryAfter(response) ?? SignalErrors.RetryAfter(text));
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Signal send failed without an answer ({ErrorType})", ex.HttpRequestError);
            return new SignalSendResult(SignalSendStatus.RetryLater, null, null, SignalErrorKind.Network);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Signal send timed out");
            return new SignalSendResult(SignalSendStatus.RetryLater, null, null, SignalErrorKind.Network);
        }
    }

    private SignalSendResult Refused(string what, HttpStatusCode code, SignalErrorKind kind, TimeSpan? retryAfter)
    {
        var status = SignalErrors.IsRetryable(kind) ? SignalSendStatus.RetryLater : SignalSendStatus.Failed;
        // The kind only: signal-cli's text names the recipient.
        logger.LogWarning("Signal {Command} answered {StatusCode} ({ErrorKind}), treated as {SendStatus}", what, (int)code, kind, status);
        if (kind == SignalErrorKind.Captcha) LogCaptchaAlert();
        if (kind == SignalErrorKind.AccountNotRegistered)
            logger.LogError("Signal says our account is not registered with signal-cli-rest-api: register it again (see docs/signal.md); messages wait in the outbox");
        return new SignalSendResult(status, null, status == SignalSendStatus.RetryLater ? retryAfter : null, kind);
    }

    /// <summary>For the admins, in the log: what to do, never the challenge token nor who the message was for.</summary>
    private void LogCaptchaAlert() =>
        logger.LogError("ADMIN ACTION NEEDED: Signal asks for a CAPTCHA before our account may send again. Solve one at " +
                        "https://signalcaptchas.org/challenge/generate.html and submit it with POST /v1/accounts/{{number}}/rate-limit-challenge " +
                        "(challenge token from the API's own log or a json-rpc 429 answer), see docs/signal.md. Messages wait in the outbox meanwhile.");

    /// <summary>Deletes a message we sent, for everyone (the timestamp is the one <see cref="SendAsync"/> returned).</summary>
    public async Task<SignalCommandResult> RemoteDeleteAsync(string recipient, long timestamp, CancellationToken ct)
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
    public async Task<SignalCommandResult> SetDisappearingAsync(string recipient, int expirationSeconds, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(recipient);
        ArgumentOutOfRangeException.ThrowIfNegative(expirationSeconds);
        using var request = new HttpRequestMessage(HttpMethod.Put, Endpoint($"v1/contacts/{Uri.EscapeDataString(RequireNumber())}"))
        {
            Content = JsonContent.Create(new UpdateContactRequest(recipient, expirationSeconds), options: Json),
        };
        return await CommandAsync(request, "contact update", ct);
    }

    /// <summary>Trusts every known key of <paramref name="recipient"/> (her new safety number after a reinstall or a new phone):
    /// <c>PUT /v1/identities/{number}/trust/{numberToTrust}</c> with <c>trust_all_known_keys</c>.</summary>
    public async Task<SignalCommandResult> TrustAllKnownKeysAsync(string recipient, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(recipient);
        using var request = new HttpRequestMessage(HttpMethod.Put,
            Endpoint($"v1/identities/{Uri.EscapeDataString(RequireNumber())}/trust/{Uri.EscapeDataString(recipient)}"))
        {
            Content = JsonContent.Create(new TrustRequest(true), options: Json),
        };
        return await CommandAsync(request, "trust", ct);
    }

    /// <summary>Sets signal-cli's trust mode for our account (<c>POST /v1/configuration/{number}/settings</c>):
    /// <c>always</c>, <c>on-first-use</c> or <c>never</c>.</summary>
    public async Task<SignalCommandResult> SetTrustModeAsync(string trustMode, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint($"v1/configuration/{Uri.EscapeDataString(RequireNumber())}/settings"))
        {
            Content = JsonContent.Create(new TrustModeRequest(trustMode), options: Json),
        };
        return await CommandAsync(request, "trust mode", ct);
    }

    /// <summary>
    /// signal-cli's identities (<c>GET /v1/identities/{number}</c>: number, uuid, trust status of each key it knows),
    /// or null when the API cannot say. The list names people: it is searched in memory and never kept or logged.
    /// </summary>
    public async Task<IReadOnlyList<SignalIdentity>?> ListIdentitiesAsync(CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(CommandTimeout);
            using var response = await http.GetAsync(Endpoint($"v1/identities/{Uri.EscapeDataString(RequireNumber())}"), timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Signal identities answered {StatusCode}", (int)response.StatusCode);
                return null;
            }
            return await response.Content.ReadFromJsonAsync<List<SignalIdentity>>(Json, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException
                                   || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning("Signal identities failed ({ExceptionType})", ex.GetType().Name);
            return null;
        }
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

    private async Task<SignalCommandResult> CommandAsync(HttpRequestMessage request, string what, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(CommandTimeout);
            using var response = await http.SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode) return SignalCommandResult.Done;
            var (text, challenge) = await ReadErrorAsync(response, timeout.Token);
            var result = Refused(what, response.StatusCode, SignalErrors.Classify(response.StatusCode, text, challenge), null);
            return new SignalCommandResult(result.Status, result.Error);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Signal {Command} failed without an answer ({ErrorType})", what, ex.HttpRequestError);
            return new SignalCommandResult(SignalSendStatus.RetryLater, SignalErrorKind.Network);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Signal {Command} timed out", what);
            return new SignalCommandResult(SignalSendStatus.RetryLater, SignalErrorKind.Network);
        }
    }

    /// <summary>The <c>error</c> text (or the raw body when it is not the usual object) and whether challenge tokens came with it.</summary>
    private static async Task<(string? Text, bool Challenge)> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(ct);
        }
        catch (HttpRequestException)
        {
            return (null, false);
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                var root = document.RootElement;
                var text = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : body;
                var challenge = root.TryGetProperty("challenge_tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Array && tokens.GetArrayLength() > 0;
                return (text, challenge);
            }
        }
        catch (JsonException)
        {
            // A proxy's HTML page, a truncated answer: classify what there is.
        }
        return (body, false);
    }

    /// <summary>
    /// Reads the timestamp of a 201 in either shape: 0.100 answers <c>{"timestamp":"…"}</c>; later versions answer
    /// <c>[{"timestamp":"…","errors":{"recipients":[{"number"|"uuid","reason"}]}}]</c>, 201 even when a recipient
    /// failed. Returns the failure reason of a recipient error, if any.
    /// </summary>
    private static async Task<(long? Timestamp, string? Reason)> ReadSendAnswerAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            if (body.ValueKind == JsonValueKind.Array)
            {
                long? first = null;
                string? reason = null;
                foreach (var item in body.EnumerateArray())
                {
                    first ??= TimestampOf(item);
                    reason ??= ReasonOf(item);
                }
                return (first, reason);
            }
            return (TimestampOf(body), ReasonOf(body));
        }
        catch (JsonException)
        {
            // The message went out; only the timestamp (for remote delete) is lost.
        }
        return (null, null);
    }

    private static long? TimestampOf(JsonElement item)
    {
        // The API documents the timestamp as a string; accept a number too in case that ever changes.
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("timestamp", out var ts)) return null;
        if (ts.ValueKind == JsonValueKind.String && long.TryParse(ts.GetString(), out var fromString) && fromString > 0) return fromString;
        if (ts.ValueKind == JsonValueKind.Number && ts.TryGetInt64(out var fromNumber) && fromNumber > 0) return fromNumber;
        return null;
    }

    private static string? ReasonOf(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object
            || !errors.TryGetProperty("recipients", out var recipients) || recipients.ValueKind != JsonValueKind.Array)
            return null;
        foreach (var recipient in recipients.EnumerateArray())
        {
            if (recipient.ValueKind == JsonValueKind.Object)
                return recipient.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() ?? "unknown" : "unknown";
        }
        return null;
    }

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

    private sealed record TrustRequest(bool TrustAllKnownKeys);

    private sealed record TrustModeRequest(string TrustMode);
}
