using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Jasmine.Bots.Tests.Fakes;

/// <summary>
/// Hand-written signal-cli-rest-api (normal mode, as in its swagger.json 0.100) on a real Kestrel bound to
/// 127.0.0.1. Received envelopes are queued per account and drained by <c>GET /v1/receive/{number}</c>; every
/// command is recorded. <see cref="StopAsync"/> / <see cref="RestartAsync"/> simulate the container going away and
/// coming back on the same port, keeping queues and records.
/// </summary>
public sealed class FakeSignalServer : IAsyncDisposable
{
    public sealed record SentMessage(string Number, IReadOnlyList<string> Recipients, string Message, string? TextMode, long Timestamp);

    public sealed record RemoteDeletion(string Number, string Recipient, long Timestamp);

    public sealed record ContactUpdate(string Number, string Recipient, string? Name, int? ExpirationInSeconds);

    // The real receive waits for the whole timeout; a second keeps tests quick while still exercising the wait.
    private static readonly TimeSpan MaxReceiveWait = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Queue<string> _inbox = new();
    private readonly Queue<int> _sendFailures = new();
    private readonly Queue<int> _receiveFailures = new();
    private readonly HashSet<string> _unregistered = [];
    private readonly List<SentMessage> _sent = [];
    private readonly List<RemoteDeletion> _deletions = [];
    private readonly List<ContactUpdate> _contacts = [];
    private readonly List<string> _rawTargets = [];
    private TaskCompletionSource _arrival = NewSignal();
    private long _lastTimestamp;
    private int _receiveCalls;
    private WebApplication? _app;

    private FakeSignalServer(string account) => Account = account;

    /// <summary>The registered account this fake serves; other numbers in paths get 400 like an unknown account.</summary>
    public string Account { get; }

    public int Port { get; private set; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    public bool IsRunning => _app is not null;

    public int ReceiveCalls => Volatile.Read(ref _receiveCalls);

    public IReadOnlyList<SentMessage> Sent => Snapshot(_sent);

    public IReadOnlyList<RemoteDeletion> RemoteDeletions => Snapshot(_deletions);

    public IReadOnlyList<ContactUpdate> ContactUpdates => Snapshot(_contacts);

    /// <summary>Request targets as they arrived on the wire (path and query, still escaped).</summary>
    public IReadOnlyList<string> RawTargets => Snapshot(_rawTargets);

    public int PendingEnvelopes
    {
        get
        {
            lock (_gate)
            {
                return _inbox.Count;
            }
        }
    }

    public static async Task<FakeSignalServer> StartAsync(string account = "+33100000001")
    {
        var server = new FakeSignalServer(account);
        await server.StartOnAsync(0);
        return server;
    }

    /// <summary>Simulates the API being down: the port refuses connections until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is not { } app)
        {
            return;
        }
        _app = null;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(deadline.Token);
        await app.DisposeAsync();
    }

    public Task RestartAsync() => IsRunning ? Task.CompletedTask : StartOnAsync(Port);

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Queues a direct text as signal-cli reports it and returns its timestamp.</summary>
    public long EnqueueText(string from, string text, long? timestamp = null)
    {
        var ts = timestamp ?? NextTimestamp();
        Enqueue(Envelope(from, from, ts, new JsonObject { ["dataMessage"] = DataMessage(ts, text) }));
        return ts;
    }

    /// <summary>A text from someone using phone number privacy: only the uuid is known.</summary>
    public long EnqueueTextFromHiddenNumber(string uuid, string text)
    {
        var ts = NextTimestamp();
        Enqueue(Envelope(source: uuid, sourceNumber: null, ts, new JsonObject { ["dataMessage"] = DataMessage(ts, text) }, uuid));
        return ts;
    }

    public void EnqueueGroupText(string from, string groupId, string text)
    {
        var ts = NextTimestamp();
        var data = DataMessage(ts, text);
        data["groupInfo"] = new JsonObject { ["groupId"] = groupId, ["groupName"] = "Group", ["revision"] = 1, ["type"] = "DELIVER" };
        Enqueue(Envelope(from, from, ts, new JsonObject { ["dataMessage"] = data }));
    }

    public void EnqueueReceipt(string from, long aboutTimestamp)
    {
        var ts = NextTimestamp();
        Enqueue(Envelope(from, from, ts, new JsonObject
        {
            ["receiptMessage"] = new JsonObject
            {
                ["when"] = ts, ["isDelivery"] = true, ["isRead"] = false, ["isViewed"] = false,
                ["timestamps"] = new JsonArray(aboutTimestamp),
            },
        }));
    }

    public void EnqueueTyping(string from)
    {
        var ts = NextTimestamp();
        Enqueue(Envelope(from, from, ts, new JsonObject
        {
            ["typingMessage"] = new JsonObject { ["action"] = "STARTED", ["timestamp"] = ts },
        }));
    }

    /// <summary>Queues one array item exactly as given (for malformed or exotic envelopes).</summary>
    public void EnqueueRaw(string itemJson) => Enqueue(itemJson);

    /// <summary>The next <paramref name="count"/> sends answer <paramref name="statusCode"/> (429 carries challenge tokens).</summary>
    public void FailNextSends(int count, int statusCode)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _sendFailures.Enqueue(statusCode);
            }
        }
    }

    public void FailNextReceives(int count, int statusCode = 500)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _receiveFailures.Enqueue(statusCode);
            }
        }
    }

    /// <summary>Sends to this recipient fail with 400, as signal-cli does for a number not on Signal.</summary>
    public void MarkUnregistered(string recipient)
    {
        lock (_gate)
        {
            _unregistered.Add(recipient);
        }
    }

    private async Task StartOnAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();

        app.Use(async (context, next) =>
        {
            var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
            if (raw is not null)
            {
                lock (_gate)
                {
                    _rawTargets.Add(raw);
                }
            }
            await next(context);
        });
        app.MapGet("/v1/about", (RequestDelegate)AboutAsync);
        app.MapGet("/v1/receive/{number}", (RequestDelegate)ReceiveAsync);
        app.MapPost("/v2/send", (RequestDelegate)SendAsync);
        app.MapDelete("/v1/remote-delete/{number}", (RequestDelegate)RemoteDeleteAsync);
        app.MapPut("/v1/contacts/{number}", (RequestDelegate)UpdateContactAsync);

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Port = new Uri(address).Port;
        _app = app;
    }

    private static Task AboutAsync(HttpContext context) =>
        Json(context, 200, new JsonObject
        {
            ["versions"] = new JsonArray("v1", "v2"),
            ["build"] = 2,
            ["mode"] = "normal",
            ["version"] = "0.100",
            ["capabilities"] = new JsonObject { ["v2/send"] = new JsonArray("quotes", "mentions") },
        });

    private async Task ReceiveAsync(HttpContext context)
    {
        Interlocked.Increment(ref _receiveCalls);
        if (!IsOurAccount(context))
        {
            await Error(context, 400, "User is not registered.");
            return;
        }
        var query = context.Request.Query;
        if (!int.TryParse(query.TryGetValue("timeout", out var t) ? t.ToString() : "1", out var timeoutSeconds))
        {
            await Error(context, 400, "Couldn't process request - timeout needs to be numeric!");
            return;
        }
        foreach (var flag in new[] { "ignore_attachments", "ignore_stories", "ignore_avatars", "ignore_stickers", "send_read_receipts" })
        {
            if (query.TryGetValue(flag, out var value) && value.ToString() is not ("true" or "false"))
            {
                await Error(context, 400, $"Couldn't process request - {flag} parameter needs to be either 'true' or 'false'");
                return;
            }
        }
        if (TakeScripted(_receiveFailures) is { } failure)
        {
            await Error(context, failure, "scripted receive failure");
            return;
        }

        var wait = TimeSpan.FromSeconds(Math.Max(0, timeoutSeconds));
        if (wait > MaxReceiveWait)
        {
            wait = MaxReceiveWait;
        }
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var items = Drain(out var arrival);
        if (items.Count == 0 && wait > TimeSpan.Zero)
        {
            try
            {
                await arrival.WaitAsync(wait, abort.Token);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // Nothing arrived in time (or we are shutting down): answer with whatever is there, like signal-cli.
            }
            items = Drain(out _);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync("[" + string.Join(",", items) + "]");
    }

    private async Task SendAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        var recipients = (body?["recipients"] as JsonArray)?.Select(r => r?.GetValueKind() == JsonValueKind.String ? r.GetValue<string>() : null).ToList();
        var number = StringOf(body, "number");
        var message = StringOf(body, "message");
        if (body is null)
        {
            await Error(context, 400, "Couldn't process request - invalid request");
            return;
        }
        if (recipients is not { Count: > 0 } || recipients.Any(r => string.IsNullOrEmpty(r)))
        {
            await Error(context, 400, "Couldn't process request - please provide at least one recipient");
            return;
        }
        if (string.IsNullOrEmpty(number))
        {
            await Error(context, 400, "Couldn't process request - please provide a valid number");
            return;
        }
        if (number != Account)
        {
            await Error(context, 400, "User is not registered.");
            return;
        }
        if (TakeScripted(_sendFailures) is { } failure)
        {
            if (failure == 429)
            {
                await Json(context, 429, new JsonObject
                {
                    ["error"] = "Failed to send message due to rate limiting. Use the attached challenge tokens to lift the rate limit restrictions via the '/v1/accounts/{number}/rate-limit-challenge' endpoint.",
                    ["challenge_tokens"] = new JsonArray("5b5f5d0c-0000-4000-8000-000000000429"),
                    ["account"] = Account,
                });
            }
            else
            {
                await Error(context, failure, "scripted send failure");
            }
            return;
        }
        bool unregistered;
        lock (_gate)
        {
            unregistered = recipients.Any(r => _unregistered.Contains(r!));
        }
        if (unregistered)
        {
            await Error(context, 400, "Failed to send message: Unregistered user");
            return;
        }

        var timestamp = NextTimestamp();
        lock (_gate)
        {
            _sent.Add(new SentMessage(number, recipients!, message ?? "", StringOf(body, "text_mode"), timestamp));
        }
        await Json(context, 201, new JsonObject { ["timestamp"] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    private async Task RemoteDeleteAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        var recipient = StringOf(body, "recipient");
        if (body?["timestamp"] is not JsonValue ts || !ts.TryGetValue<long>(out var timestamp) || string.IsNullOrEmpty(recipient))
        {
            await Error(context, 400, "Couldn't process request - invalid request");
            return;
        }
        if (!IsOurAccount(context))
        {
            await Error(context, 400, "User is not registered.");
            return;
        }
        lock (_gate)
        {
            _deletions.Add(new RemoteDeletion(Account, recipient, timestamp));
        }
        await Json(context, 201, new JsonObject { ["timestamp"] = NextTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    private async Task UpdateContactAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        if (body is null)
        {
            await Error(context, 400, "Couldn't process request - invalid request");
            return;
        }
        var recipient = StringOf(body, "recipient");
        if (string.IsNullOrEmpty(recipient))
        {
            await Error(context, 400, "Couldn't process request - recipient missing");
            return;
        }
        if (!IsOurAccount(context))
        {
            await Error(context, 400, "User is not registered.");
            return;
        }
        int? expiration = body["expiration_in_seconds"] is JsonValue e && e.TryGetValue<int>(out var seconds) ? seconds : null;
        lock (_gate)
        {
            _contacts.Add(new ContactUpdate(Account, recipient, StringOf(body, "name"), expiration));
        }
        context.Response.StatusCode = 204;
    }

    private bool IsOurAccount(HttpContext context) =>
        context.Request.RouteValues["number"] is string number && number == Account;

    private static async Task<JsonObject?> ReadBodyAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? StringOf(JsonObject? body, string name) =>
        body?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static Task Error(HttpContext context, int status, string message) =>
        Json(context, status, new JsonObject { ["error"] = message });

    private static async Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private string Envelope(string source, string? sourceNumber, long timestamp, JsonObject content, string? uuid = null)
    {
        var envelope = new JsonObject
        {
            ["source"] = source,
            ["sourceNumber"] = sourceNumber,
            ["sourceUuid"] = uuid ?? Guid.NewGuid().ToString(),
            ["sourceName"] = "Someone",
            ["sourceDevice"] = 1,
            ["timestamp"] = timestamp,
            ["serverReceivedTimestamp"] = timestamp + 3,
            ["serverDeliveredTimestamp"] = timestamp + 7,
        };
        foreach (var (key, value) in content.ToList())
        {
            content.Remove(key);
            envelope[key] = value;
        }
        return new JsonObject { ["envelope"] = envelope, ["account"] = Account }.ToJsonString();
    }

    private static JsonObject DataMessage(long timestamp, string text) => new()
    {
        ["timestamp"] = timestamp,
        ["message"] = text,
        ["expiresInSeconds"] = 0,
        ["viewOnce"] = false,
        ["mentions"] = new JsonArray(),
        ["attachments"] = new JsonArray(),
        ["contacts"] = new JsonArray(),
    };

    private void Enqueue(string item)
    {
        lock (_gate)
        {
            _inbox.Enqueue(item);
            _arrival.TrySetResult();
        }
    }

    private List<string> Drain(out Task arrival)
    {
        lock (_gate)
        {
            var items = _inbox.ToList();
            _inbox.Clear();
            if (_arrival.Task.IsCompleted)
            {
                _arrival = NewSignal();
            }
            arrival = _arrival.Task;
            return items;
        }
    }

    private int? TakeScripted(Queue<int> failures)
    {
        lock (_gate)
        {
            return failures.TryDequeue(out var status) ? status : null;
        }
    }

    private long NextTimestamp()
    {
        // Unique and increasing like Signal's millisecond timestamps, even for several messages in the same ms.
        lock (_gate)
        {
            _lastTimestamp = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _lastTimestamp + 1);
            return _lastTimestamp;
        }
    }

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
