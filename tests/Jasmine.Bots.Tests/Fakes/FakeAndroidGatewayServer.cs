using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jasmine.Bots.Channels.Sms;
using Jasmine.Bots.Sms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Jasmine.Bots.Tests.Fakes;

/// <summary>A message the fake phone accepted and sent.</summary>
public sealed record FakeAndroidMessage(string Id, string To, string Text, int? SimNumber, int? Ttl, bool WithDeliveryReport, DateTimeOffset At);

/// <summary>A webhook the fake delivered, with what our host answered.</summary>
public sealed record FakeAndroidWebhook(string Event, string EventId, HttpStatusCode Answer);

/// <summary>
/// SMS Gateway for Android on 127.0.0.1, built from its OpenAPI document (app/src/main/assets/api/swagger.json of
/// capcom6/android-sms-gateway): <c>POST /messages</c> (and the older <c>/message</c>) with HTTP Basic auth,
/// <c>{"id","textMessage":{"text"},"phoneNumbers","simNumber","ttl","withDeliveryReport"}</c> → 202 with the message
/// state, 409 for an id it already has, 400 for a bad request; <c>GET /messages/{id}</c>; <c>GET/POST /webhooks</c>
/// and <c>DELETE /webhooks/{id}</c>. Like the app, it then reports <c>sms:sent</c> and <c>sms:delivered</c> (or
/// <c>sms:failed</c>) to the registered webhooks, and forwards received SMS as <c>sms:received</c>, each signed
/// with <c>X-Signature</c> = hex HMAC-SHA256(signing key, body + <c>X-Timestamp</c>). The webhooks go through
/// <paramref name="webhooks"/>: the host under test may be an in-memory test server.
/// </summary>
public sealed class FakeAndroidGatewayServer : IAsyncDisposable
{
    public const string Username = "sms";
    public const string DeviceId = "ffffffffceb0b1db0000018e937c815b";
    private readonly WebApplication _app;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, JsonObject> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Url, string Event)> _webhooks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failStatusFor = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _phoneFailsFor = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<int> _scripted = new();
    private int _loseAnswers;
    private readonly List<FakeAndroidMessage> _sent = [];
    private readonly List<FakeAndroidWebhook> _delivered = [];
    private readonly Lock _gate = new();
    private int _requests;
    private int _eventSeq;
    private int _pendingWebhooks;

    public string Password { get; }
    public string SigningKey { get; }
    public string BaseUrl { get; private set; } = "";
    public HttpClient? Webhooks { get; set; }
    /// <summary>Off: accepted messages are never reported sent (as when no sms:sent webhook reaches us).</summary>
    public bool ReportStates { get; set; } = true;

    private FakeAndroidGatewayServer(string password, string signingKey, TimeProvider clock)
    {
        Password = password;
        SigningKey = signingKey;
        _clock = clock;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/auth/token", (Delegate)IssueTokenAsync);
        _app.MapPost("/messages", (Delegate)SendAsync);
        _app.MapPost("/message", (Delegate)SendAsync);
        _app.MapGet("/messages/{id}", (HttpContext c, string id) =>
            !IsAuthorised(c.Request) ? Error(401, "Unauthorized") : _states.TryGetValue(id, out var state) ? Results.Text(Locked(state), "application/json") : Results.NotFound());
        _app.MapGet("/webhooks", (HttpContext c) => !IsAuthorised(c.Request) ? Error(401, "Unauthorized")
            : Results.Text(new JsonArray([.. _webhooks.Select(w => (JsonNode)Webhook(w.Key, w.Value.Url, w.Value.Event))]).ToJsonString(), "application/json"));
        _app.MapPost("/webhooks", (Delegate)RegisterAsync);
        _app.MapDelete("/webhooks/{id}", (HttpContext c, string id) =>
            !IsAuthorised(c.Request) ? Error(401, "Unauthorized") : _webhooks.TryRemove(id, out _) ? Results.NoContent() : Results.NotFound());
    }

    public static async Task<FakeAndroidGatewayServer> StartAsync(TimeProvider? clock = null,
        string password = "fake-gateway-password-0123", string signingKey = "fake-signing-key-0123456789abcdef")
    {
        var server = new FakeAndroidGatewayServer(password, signingKey, clock ?? TimeProvider.System);
        await server._app.StartAsync();
        server.BaseUrl = server._app.Urls.Single().TrimEnd('/');
        return server;
    }

    public IReadOnlyList<FakeAndroidMessage> Sent { get { lock (_gate) return [.. _sent]; } }
    public IReadOnlyList<FakeAndroidWebhook> Delivered { get { lock (_gate) return [.. _delivered]; } }
    public IReadOnlyCollection<(string Url, string Event)> RegisteredWebhooks => [.. _webhooks.Values];
    public int RequestCount => Volatile.Read(ref _requests);
    /// <summary>Webhooks started and not yet answered.</summary>
    public int WebhooksInFlight => Volatile.Read(ref _pendingWebhooks);

    /// <summary>The next <paramref name="count"/> send requests get this HTTP status (503: "queue limits exceeded").</summary>
    public void FailNext(int count, int status)
    {
        for (var i = 0; i < count; i++) _scripted.Enqueue(status);
    }

    /// <summary>The next <paramref name="count"/> messages are accepted, but the answer is a 502 (a proxy lost it).</summary>
    public void LoseAnswers(int count) => Interlocked.Add(ref _loseAnswers, count);

    /// <summary>Sends to this number are refused with this HTTP status.</summary>
    public void RefuseFor(string to, int status) => _failStatusFor[to] = status;

    /// <summary>The phone accepts messages to this number but cannot send them: it reports sms:failed.</summary>
    public void PhoneFailsFor(string to, string reason = "RESULT_ERROR_GENERIC_FAILURE") => _phoneFailsFor[to] = reason;
    public void PhoneWorksFor(string to) => _phoneFailsFor.TryRemove(to, out _);

    private async Task<IResult> SendAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (!IsAuthorised(context.Request)) return Error(401, "Unauthorized");
        if (_scripted.TryDequeue(out var scripted)) return Error(scripted, "Scripted failure");
        JsonObject? body;
        try { body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()) as JsonObject; }
        catch (JsonException) { return Error(400, "Invalid JSON"); }
        if (body is null) return Error(400, "Invalid request");

        var numbers = (body["phoneNumbers"] as JsonArray)?.Select(n => n?.GetValue<string>() ?? "").ToList() ?? [];
        if (numbers.Count is < 1 or > 100) return Error(400, "phoneNumbers must contain 1 to 100 numbers");
        var text = (body["textMessage"] as JsonObject)?["text"]?.GetValue<string>() ?? body["message"]?.GetValue<string>();
        if (string.IsNullOrEmpty(text)) return Error(400, "textMessage.text is required");
        var id = body["id"]?.GetValue<string>() ?? Guid.NewGuid().ToString("N")[..21];
        if (id.Length > 36) return Error(400, "id is too long");
        var sim = body["simNumber"]?.GetValue<int>();
        if (sim is < 1 or > 3) return Error(400, "simNumber must be 1 to 3");
        var ttl = body["ttl"]?.GetValue<int>();
        var report = body["withDeliveryReport"]?.GetValue<bool>() ?? true;
        foreach (var n in numbers)
        {
            // The app validates numbers with libphonenumber unless skipPhoneValidation; an E.164 shape is enough here.
            if (n.Length < 8 || !n.TrimStart('+').All(char.IsAsciiDigit)) return Error(400, $"Invalid phone number: {n}");
            if (_failStatusFor.TryGetValue(n, out var status)) return Error(status, $"Refused for {n}");
        }
        var state = State(id, numbers, "Pending");
        if (!_states.TryAdd(id, state)) return Error(409, $"Message with ID {id} already exists");

        lock (_gate) foreach (var n in numbers) _sent.Add(new FakeAndroidMessage(id, n, text, sim, ttl, report, _clock.GetUtcNow()));
        if (ReportStates) _ = Task.Run(() => ProgressAsync(id, numbers));
        if (TryTake(ref _loseAnswers)) return Results.StatusCode(502);
        context.Response.Headers.Location = "/messages/" + id;
        // Under the state's lock: the phone's progress (Task.Run above) changes it meanwhile, and a JsonObject read
        // while it changes throws, which answered 500 for a message already counted as sent (seen as 501 SMS on a
        // 500 budget: the lane did not count it, and its resend, answered 409, was counted the next day).
        return Results.Text(Locked(state), "application/json", Encoding.UTF8, 202);
    }

    private static string Locked(JsonObject state)
    {
        lock (state) return state.ToJsonString();
    }

    private static bool TryTake(ref int counter)
    {
        int seen;
        do
        {
            seen = Volatile.Read(ref counter);
            if (seen <= 0) return false;
        } while (Interlocked.CompareExchange(ref counter, seen - 1, seen) != seen);
        return true;
    }

    private async Task ProgressAsync(string id, IReadOnlyList<string> numbers)
    {
        foreach (var n in numbers)
        {
            if (_phoneFailsFor.TryGetValue(n, out var reason))
            {
                SetState(id, n, "Failed");
                await EmitAsync("sms:failed", new JsonObject { ["messageId"] = id, ["phoneNumber"] = n, ["recipient"] = n, ["sender"] = null, ["simNumber"] = 1, ["failedAt"] = Now(), ["reason"] = reason });
                continue;
            }
            SetState(id, n, "Sent");
            await EmitAsync("sms:sent", new JsonObject { ["messageId"] = id, ["phoneNumber"] = n, ["recipient"] = n, ["sender"] = null, ["simNumber"] = 1, ["partsCount"] = 1, ["sentAt"] = Now() });
            SetState(id, n, "Delivered");
            await EmitAsync("sms:delivered", new JsonObject { ["messageId"] = id, ["phoneNumber"] = n, ["recipient"] = n, ["sender"] = null, ["simNumber"] = 1, ["deliveredAt"] = Now() });
        }
    }

    private void SetState(string id, string number, string value)
    {
        if (!_states.TryGetValue(id, out var state)) return;
        lock (state)
        {
            state["state"] = value;
            foreach (var r in (JsonArray)state["recipients"]!)
                if (r!["phoneNumber"]!.GetValue<string>() == number) r["state"] = value;
            ((JsonObject)state["states"]!)[value] = Now();
        }
    }

    private async Task<IResult> RegisterAsync(HttpContext context)
    {
        if (!IsAuthorised(context.Request)) return Error(401, "Unauthorized");
        JsonObject? body;
        try { body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()) as JsonObject; }
        catch (JsonException) { return Error(400, "Invalid JSON"); }
        var url = body?["url"]?.GetValue<string>();
        var ev = body?["event"]?.GetValue<string>();
        string[] events = ["sms:received", "sms:data-received", "sms:sent", "sms:delivered", "sms:failed", "system:ping", "mms:received", "mms:downloaded"];
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out _) || ev is null || !events.Contains(ev)) return Error(400, "url and a known event are required");
        var id = body?["id"]?.GetValue<string>() ?? Guid.NewGuid().ToString();
        _webhooks[id] = (url, ev);
        return Results.Text(Webhook(id, url, ev).ToJsonString(), "application/json", Encoding.UTF8, 201);
    }

    /// <summary>How the fake phone delivers an incoming SMS, with knobs for what a forger or a network might do.</summary>
    public sealed record Incoming(string From, string Text)
    {
        public string? EventId { get; init; }
        /// <summary>Sign with this key instead of the real one (a forger).</summary>
        public string? SignWith { get; init; }
        public bool Unsigned { get; init; }
        /// <summary>Shift X-Timestamp (a replay of an old request).</summary>
        public TimeSpan TimestampShift { get; init; }
        /// <summary>Change the body after signing it.</summary>
        public bool TamperAfterSigning { get; init; }
    }

    /// <summary>An SMS reaches the phone: it goes to every sms:received webhook. Returns our host's answers.</summary>
    public Task<IReadOnlyList<HttpStatusCode>> ReceiveAsync(string from, string text, string? eventId = null) =>
        ReceiveAsync(new Incoming(from, text) { EventId = eventId });

    public Task<IReadOnlyList<HttpStatusCode>> ReceiveAsync(Incoming sms) =>
        EmitAsync("sms:received", new JsonObject
        {
            // Content-based, as the app's: the same text twice has the same messageId.
            ["messageId"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(sms.From + sms.Text)))[..16],
            ["message"] = sms.Text,
            ["phoneNumber"] = sms.From,
            ["sender"] = sms.From,
            ["recipient"] = null,
            ["simNumber"] = 1,
            ["receivedAt"] = Now(),
        }, sms);

    private async Task<IReadOnlyList<HttpStatusCode>> EmitAsync(string ev, JsonObject payload, Incoming? knobs = null)
    {
        var answers = new List<HttpStatusCode>();
        var http = Webhooks ?? throw new InvalidOperationException("Set Webhooks to a client of the host under test.");
        foreach (var (webhookId, (url, registered)) in _webhooks)
        {
            if (registered != ev) continue;
            var eventId = knobs?.EventId ?? "ev" + Interlocked.Increment(ref _eventSeq).ToString("D8", CultureInfo.InvariantCulture);
            var json = new JsonObject
            {
                ["deviceId"] = DeviceId,
                ["event"] = ev,
                ["id"] = eventId,
                ["payload"] = payload.DeepClone(),
                ["webhookId"] = webhookId,
            }.ToJsonString();
            var bytes = Encoding.UTF8.GetBytes(json);
            var timestamp = (_clock.GetUtcNow() + (knobs?.TimestampShift ?? TimeSpan.Zero)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var signature = AndroidGatewaySignature.Compute(knobs?.SignWith ?? SigningKey, bytes, timestamp);
            if (knobs?.TamperAfterSigning == true) bytes = Encoding.UTF8.GetBytes(json.Replace(payload["message"]?.GetValue<string>() ?? "", "tampered"));
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url).PathAndQuery) { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            if (knobs?.Unsigned != true)
            {
                request.Headers.Add(AndroidGatewaySignature.TimestampHeader, timestamp);
                request.Headers.Add(AndroidGatewaySignature.SignatureHeader, signature);
            }
            Interlocked.Increment(ref _pendingWebhooks);
            try
            {
                using var response = await http.SendAsync(request);
                answers.Add(response.StatusCode);
                lock (_gate) _delivered.Add(new FakeAndroidWebhook(ev, eventId, response.StatusCode));
            }
            finally { Interlocked.Decrement(ref _pendingWebhooks); }
        }
        return answers;
    }

    private static JsonObject State(string id, IReadOnlyList<string> numbers, string state) => new()
    {
        ["id"] = id,
        ["deviceId"] = DeviceId,
        ["state"] = state,
        ["isEncrypted"] = false,
        ["isHashed"] = false,
        ["recipients"] = new JsonArray([.. numbers.Select(n => (JsonNode)new JsonObject { ["phoneNumber"] = n, ["state"] = state })]),
        ["states"] = new JsonObject { [state] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) },
    };

    private static JsonObject Webhook(string id, string url, string ev) => new() { ["id"] = id, ["url"] = url, ["event"] = ev, ["deviceId"] = DeviceId };

    private string Now() => _clock.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    /// <summary>On: sending and webhooks accept only Bearer tokens from <c>POST /auth/token</c>, as a client restricted to JWT.</summary>
    public bool RequireJwt { get; set; }

    private readonly ConcurrentDictionary<string, (string[] Scopes, DateTimeOffset ExpiresAt)> _tokens = new(StringComparer.Ordinal);
    private int _tokensIssued;

    /// <summary>Tokens issued by <c>POST /auth/token</c> so far.</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>Every token stops working, as after <c>DELETE /auth/token/{jti}</c> or a restart of a private server.</summary>
    public void RevokeTokens() => _tokens.Clear();

    /// <summary>POST /auth/token (the app's local server; a cloud server has it under /3rdparty/v1): Basic only, answers 201.</summary>
    private async Task<IResult> IssueTokenAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (!IsBasic(context.Request)) return Error(401, "Unauthorized");
        JsonNode? body;
        try { body = await JsonNode.ParseAsync(context.Request.Body); }
        catch (System.Text.Json.JsonException) { return Error(400, "Invalid request"); }
        var scopes = body?["scopes"] is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? "").ToArray() : [];
        var ttl = body?["ttl"]?.GetValue<int>() ?? 3600;
        if (scopes.Length == 0 || ttl <= 0) return Error(400, "Invalid request");
        var id = Guid.NewGuid().ToString("N");
        var token = "eyJ." + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var expires = _clock.GetUtcNow().AddSeconds(ttl);
        _tokens[token] = (scopes, expires);
        Interlocked.Increment(ref _tokensIssued);
        return Results.Json(new JsonObject { ["id"] = id, ["token_type"] = "Bearer", ["access_token"] = token, ["expires_at"] = expires.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) }, statusCode: 201);
    }

    private bool IsAuthorised(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            var scope = request.Path.StartsWithSegments("/webhooks") ? (HttpMethods.IsGet(request.Method) ? "webhooks:list" : "webhooks:write")
                : HttpMethods.IsGet(request.Method) ? "messages:read" : "messages:send";
            return _tokens.TryGetValue(header["Bearer ".Length..].Trim(), out var t) && t.ExpiresAt > _clock.GetUtcNow() && t.Scopes.Contains(scope);
        }
        return !RequireJwt && IsBasic(request);
    }

    private bool IsBasic(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal)) return false;
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim())) == $"{Username}:{Password}"; }
        catch (FormatException) { return false; }
    }

    // The gateway's ErrorResponse: {"message": "..."} (it quotes numbers back: the provider must not log it).
    private static IResult Error(int status, string message) =>
        Results.Text(new JsonObject { ["message"] = message }.ToJsonString(), "application/json", Encoding.UTF8, status);

    /// <summary>Segments of everything sent to a number (what the operator would count).</summary>
    public int SegmentsTo(string number) => Sent.Where(m => m.To == number).Sum(m => SmsSegments.Count(m.Text));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
