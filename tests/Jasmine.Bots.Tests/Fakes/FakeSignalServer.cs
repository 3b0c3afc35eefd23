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
/// Hand-written signal-cli-rest-api (normal mode, as in its swagger.json and src/api, src/client of 0.100 and master)
/// on a real Kestrel bound to 127.0.0.1. Received envelopes are queued per account and drained by
/// <c>GET /v1/receive/{number}</c> (honouring <c>max_messages</c>); every command is recorded. As the real API in
/// normal mode: every signal-cli failure is HTTP 400 with signal-cli's combined output in <c>error</c> (429 with
/// challenge tokens only in json-rpc mode, see <see cref="FailNextSends"/>); one signal-cli call at a time per account
/// (signal-cli locks the account, so a send waits behind a long poll); the receive body is signal-cli's lines joined
/// with commas, so a stack-trace line makes the array invalid JSON; people who hide their number arrive with
/// <c>sourceNumber: null</c> and their uuid in <c>source</c>; a changed safety number makes sends fail with
/// "Untrusted Identity" and her messages arrive as <c>exception</c> items until she is trusted.
/// <see cref="StopAsync"/> / <see cref="RestartAsync"/> simulate the container going away and coming back on the
/// same port, keeping queues and records.
/// </summary>
public sealed class FakeSignalServer : IAsyncDisposable
{
    public sealed record SentMessage(string Number, IReadOnlyList<string> Recipients, string Message, string? TextMode, long Timestamp);

    public sealed record RemoteDeletion(string Number, string Recipient, long Timestamp);

    public sealed record ContactUpdate(string Number, string Recipient, string? Name, int? ExpirationInSeconds);

    public sealed record TrustCall(string Number, string Recipient, bool TrustAllKnownKeys);

    /// <summary>A Signal user: her ACI, her number, and whether she hides it (the default since 2024).</summary>
    public sealed record Person(string Number, string Uuid, bool HidesNumber);

    /// <summary>How a successful <c>/v2/send</c> is answered.</summary>
    public enum SendAnswer
    {
        /// <summary>0.100: <c>201 {"timestamp":"…"}</c>.</summary>
        Object0100,
        /// <summary>master after 0.100: <c>201 [{"timestamp":"…"}]</c> (with <c>errors</c> when a recipient failed).</summary>
        Array,
    }

    /// <summary>signal-cli's texts (SendMessageResultUtils, Main, libsignal-service, the API's cli.go).</summary>
    public static class Texts
    {
        public const string RateLimitExceeded = "Rate limit exceeded: 413";
        public const string Killed = "process killed as timeout reached";
        public const string UserNotRegistered = "User is not registered.";
    }

    // The real receive waits for the whole timeout; a second keeps tests quick while still exercising the wait.
    private static readonly TimeSpan MaxReceiveWait = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Queue<string> _inbox = new();
    private readonly Queue<(int Status, string? Text)> _sendFailures = new();
    private readonly Queue<(int Status, string? Text)> _receiveFailures = new();
    private readonly Queue<string> _deleteFailures = new();
    private readonly HashSet<string> _unregistered = [];
    private readonly Dictionary<string, Person> _people = new(StringComparer.Ordinal);
    private readonly HashSet<string> _untrusted = new(StringComparer.Ordinal);
    private readonly List<TrustCall> _trustCalls = [];
    private readonly List<int?> _maxMessages = [];
    // signal-cli holds a lock on the account for the whole command: the API runs one call at a time per account.
    private readonly SemaphoreSlim _account = new(1, 1);
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

    public IReadOnlyList<TrustCall> TrustCalls => Snapshot(_trustCalls);

    /// <summary>The <c>max_messages</c> of each receive (null when absent).</summary>
    public IReadOnlyList<int?> ReceiveMaxMessages => Snapshot(_maxMessages);

    /// <summary>signal-cli's trust mode for our account, as set through <c>/v1/configuration/{number}/settings</c>.</summary>
    public string TrustMode { get; private set; } = "on-first-use";

    public SendAnswer SendAnswerShape { get; set; } = SendAnswer.Object0100;

    /// <summary>Registers someone; her uuid is what the API shows for her. Returns her uuid.</summary>
    public string AddPerson(string number, bool hidesNumber = true)
    {
        lock (_gate)
        {
            var person = new Person(number, Guid.NewGuid().ToString(), hidesNumber);
            _people[number] = person;
            _people[person.Uuid] = person;
            return person.Uuid;
        }
    }

    /// <summary>Her uuid (a stable one is made up the first time a number is seen, as Signal has one for everybody).</summary>
    public string UuidOf(string number) => PersonOf(number).Uuid;

    /// <summary>Messages sent to this person, addressed by her number or her uuid.</summary>
    public IReadOnlyList<SentMessage> SentTo(string who)
    {
        var p = PersonOf(who);
        return Sent.Where(s => s.Recipients.Contains(p.Number) || s.Recipients.Contains(p.Uuid)).ToList();
    }

    public IReadOnlyList<RemoteDeletion> RemoteDeletionsFor(string who)
    {
        var p = PersonOf(who);
        return RemoteDeletions.Where(d => d.Recipient == p.Number || d.Recipient == p.Uuid).ToList();
    }

    public IReadOnlyList<ContactUpdate> ContactUpdatesFor(string who)
    {
        var p = PersonOf(who);
        return ContactUpdates.Where(d => d.Recipient == p.Number || d.Recipient == p.Uuid).ToList();
    }

    /// <summary>She reinstalled Signal or changed phone: her key is new and, trusting on first use, signal-cli
    /// refuses it until it is trusted (or the trust mode is <c>always</c>).</summary>
    public void ChangeIdentity(string who)
    {
        var p = PersonOf(who);
        lock (_gate)
        {
            _untrusted.Add(p.Uuid);
        }
    }

    private bool IsUntrusted(Person p)
    {
        lock (_gate)
        {
            return TrustMode != "always" && _untrusted.Contains(p.Uuid);
        }
    }

    private Person PersonOf(string who)
    {
        lock (_gate)
        {
            if (!_people.TryGetValue(who, out var person))
            {
                // Someone not registered beforehand shows her number, as envelopes did before phone number privacy.
                person = new Person(who, Guid.NewGuid().ToString(), HidesNumber: false);
                _people[who] = person;
                _people[person.Uuid] = person;
            }
            return person;
        }
    }

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

    /// <summary>Queues a direct text as signal-cli reports it and returns its timestamp. From someone whose key changed
    /// and is not trusted, it arrives as signal-cli reports an undecryptable message: an <c>exception</c> item.</summary>
    public long EnqueueText(string from, string text, long? timestamp = null)
    {
        var ts = timestamp ?? NextTimestamp();
        var person = PersonOf(from);
        if (IsUntrusted(person))
        {
            EnqueueException(person, ts, "UntrustedIdentityException", $"Untrusted identity key for {person.Uuid}");
            return ts;
        }
        Enqueue(Envelope(person, ts, new JsonObject { ["dataMessage"] = DataMessage(ts, text) }));
        return ts;
    }

    /// <summary>A text from someone using phone number privacy: only the uuid is known.</summary>
    public long EnqueueTextFromHiddenNumber(string uuid, string text)
    {
        var ts = NextTimestamp();
        Enqueue(Envelope(source: uuid, sourceNumber: null, ts, new JsonObject { ["dataMessage"] = DataMessage(ts, text) }, uuid));
        return ts;
    }

    /// <summary>She edited a message she sent (Signal's "edit"): signal-cli reports <c>editMessage</c> with the new version.</summary>
    public long EnqueueEdit(string from, long targetTimestamp, string newText)
    {
        var ts = NextTimestamp();
        Enqueue(Envelope(PersonOf(from), ts, new JsonObject
        {
            ["editMessage"] = new JsonObject { ["targetSentTimestamp"] = targetTimestamp, ["dataMessage"] = DataMessage(ts, newText) },
        }));
        return ts;
    }

    /// <summary>signal-cli printed a stack trace during the receive: the API joins its lines into the array as they are.</summary>
    public void EnqueueStackTrace()
    {
        Enqueue("java.lang.IllegalStateException: Failed to process message: Invalid PreKey message");
        Enqueue("\tat org.asamk.signal.manager.internal.ManagerImpl.receiveMessages(ManagerImpl.java:1042)");
        Enqueue("\tat org.asamk.signal.commands.ReceiveCommand.handleCommand(ReceiveCommand.java:161)");
        Enqueue("\tat org.asamk.signal.App.init(App.java:233) {see: https://github.com/AsamK/signal-cli/issues}");
    }

    /// <summary>An item signal-cli could not handle: <c>{"exception":{"message","type"},"envelope":{…},"account"}</c>.</summary>
    public void EnqueueException(string from, string type, string message = "failed")
    {
        var person = PersonOf(from);
        EnqueueException(person, NextTimestamp(), type, message);
    }

    private void EnqueueException(Person person, long ts, string type, string message)
    {
        var item = JsonNode.Parse(Envelope(person, ts, new JsonObject()))!.AsObject();
        item["exception"] = new JsonObject { ["message"] = message, ["type"] = type };
        Enqueue(item.ToJsonString());
    }

    public void EnqueueGroupText(string from, string groupId, string text)
    {
        var ts = NextTimestamp();
        var data = DataMessage(ts, text);
        data["groupInfo"] = new JsonObject { ["groupId"] = groupId, ["groupName"] = "Group", ["revision"] = 1, ["type"] = "DELIVER" };
        Enqueue(Envelope(PersonOf(from), ts, new JsonObject { ["dataMessage"] = data }));
    }

    public void EnqueueReceipt(string from, long aboutTimestamp)
    {
        var ts = NextTimestamp();
        Enqueue(Envelope(PersonOf(from), ts, new JsonObject
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
        Enqueue(Envelope(PersonOf(from), ts, new JsonObject
        {
            ["typingMessage"] = new JsonObject { ["action"] = "STARTED", ["timestamp"] = ts },
        }));
    }

    /// <summary>Queues one array item exactly as given (for malformed or exotic envelopes).</summary>
    public void EnqueueRaw(string itemJson) => Enqueue(itemJson);

    /// <summary>The next <paramref name="count"/> sends answer <paramref name="statusCode"/>: 429 is json-rpc mode's
    /// rate limit with challenge tokens (normal mode never answers 429; use <see cref="FailNextSendsWith"/>).</summary>
    public void FailNextSends(int count, int statusCode)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _sendFailures.Enqueue((statusCode, null));
            }
        }
    }

    /// <summary>The next sends fail as in normal mode: 400 with signal-cli's text in <c>error</c>.</summary>
    public void FailNextSendsWith(int count, string signalCliText)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _sendFailures.Enqueue((400, signalCliText));
            }
        }
    }

    /// <summary>A send refused per recipient as signal-cli prints it with <c>--output json</c>: the JSON results line,
    /// then the exception's message on stderr (SendMessageResultUtils.outputResult, Main.handleCommandException).</summary>
    public string SendFailureOutput(string who, string type)
    {
        var p = PersonOf(who);
        var last = type switch
        {
            "RATE_LIMIT_FAILURE" => "Failed to send message due to rate limiting",
            "IDENTITY_FAILURE" => "Failed to send message due to untrusted identities",
            _ => "Failed to send message",
        };
        var results = new JsonObject
        {
            ["timestamp"] = NextTimestamp(),
            ["results"] = new JsonArray(new JsonObject
            {
                ["recipientAddress"] = new JsonObject { ["uuid"] = p.Uuid, ["number"] = p.HidesNumber ? null : p.Number },
                ["type"] = type,
            }),
        };
        return results.ToJsonString() + "\n" + last + "\n";
    }

    public void FailNextReceives(int count, int statusCode = 500, string? text = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _receiveFailures.Enqueue((statusCode, text));
            }
        }
    }

    /// <summary>The next remote deletes fail as in normal mode: 400 with signal-cli's text.</summary>
    public void FailNextRemoteDeletesWith(int count, string signalCliText)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _deleteFailures.Enqueue(signalCliText);
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
            var path = context.Request.Path.Value ?? "";
            if (path.StartsWith("/v1/about", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }
            try
            {
                await _account.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await next(context);
            }
            finally
            {
                _account.Release();
            }
        });
        app.MapGet("/v1/about", (RequestDelegate)AboutAsync);
        app.MapGet("/v1/receive/{number}", (RequestDelegate)ReceiveAsync);
        app.MapPost("/v2/send", (RequestDelegate)SendAsync);
        app.MapDelete("/v1/remote-delete/{number}", (RequestDelegate)RemoteDeleteAsync);
        app.MapPut("/v1/contacts/{number}", (RequestDelegate)UpdateContactAsync);
        app.MapGet("/v1/identities/{number}", (RequestDelegate)IdentitiesAsync);
        app.MapPut("/v1/identities/{number}/trust/{numberToTrust}", (RequestDelegate)TrustAsync);
        app.MapPost("/v1/configuration/{number}/settings", (RequestDelegate)SetTrustModeAsync);
        app.MapGet("/v1/configuration/{number}/settings", (RequestDelegate)GetTrustModeAsync);

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Port = new Uri(address).Port;
        _app = app;
    }

    /// <summary>The container's MODE, as <c>/v1/about</c> reports it: "normal", "native" or "json-rpc".</summary>
    public string Mode { get; set; } = "normal";

    private Task AboutAsync(HttpContext context) =>
        Json(context, 200, new JsonObject
        {
            ["versions"] = new JsonArray("v1", "v2"),
            ["build"] = 2,
            ["mode"] = Mode,
            ["version"] = "0.100",
            ["capabilities"] = new JsonObject { ["v2/send"] = new JsonArray("quotes", "mentions") },
        });

    private async Task ReceiveAsync(HttpContext context)
    {
        Interlocked.Increment(ref _receiveCalls);
        if (Mode == "json-rpc")
        {
            // In json-rpc mode the path is a WebSocket: a plain GET fails the upgrade, answered 400 (src/api/api.go, Receive).
            await Error(context, 400, "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header");
            return;
        }
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
        int? maxMessages = null;
        if (query.TryGetValue("max_messages", out var mm))
        {
            if (!int.TryParse(mm.ToString(), out var parsed))
            {
                await Error(context, 400, "Couldn't process request - max_messages needs to be numeric!");
                return;
            }
            maxMessages = parsed;
        }
        lock (_gate)
        {
            _maxMessages.Add(maxMessages);
        }
        if (TakeScripted(_receiveFailures) is { } failure)
        {
            await Error(context, failure.Status, failure.Text ?? "scripted receive failure");
            return;
        }
        var limit = maxMessages is > 0 ? maxMessages.Value : int.MaxValue;

        var wait = TimeSpan.FromSeconds(Math.Max(0, timeoutSeconds));
        if (wait > MaxReceiveWait)
        {
            wait = MaxReceiveWait;
        }
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var items = Drain(limit, out var arrival);
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
            items = Drain(limit, out _);
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
            if (failure.Status == 429)
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
                await Error(context, failure.Status, failure.Text ?? "scripted send failure");
            }
            return;
        }
        var people = recipients.Select(r => PersonOf(r!)).ToList();
        bool unregistered;
        lock (_gate)
        {
            unregistered = people.Any(p => _unregistered.Contains(p.Number) || _unregistered.Contains(p.Uuid));
        }
        if (unregistered)
        {
            await Error(context, 400, SendFailureOutput(recipients[0]!, "UNREGISTERED_FAILURE"));
            return;
        }
        if (people.FirstOrDefault(IsUntrusted) is { } untrusted)
        {
            await Error(context, 400, SendFailureOutput(untrusted.Uuid, "IDENTITY_FAILURE"));
            return;
        }

        var timestamp = NextTimestamp();
        lock (_gate)
        {
            _sent.Add(new SentMessage(number, recipients!, message ?? "", StringOf(body, "text_mode"), timestamp));
        }
        var answer = new JsonObject { ["timestamp"] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await Json(context, 201, SendAnswerShape == SendAnswer.Array ? new JsonArray(answer) : answer);
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
        string? deleteFailure;
        lock (_gate)
        {
            deleteFailure = _deleteFailures.TryDequeue(out var text) ? text : null;
        }
        if (deleteFailure is not null)
        {
            await Error(context, 400, deleteFailure);
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

    /// <summary>signal-cli knows a key for everyone it exchanged messages with; the number only when it was given one
    /// (we sent to her number, or she showed it).</summary>
    private async Task IdentitiesAsync(HttpContext context)
    {
        if (!IsOurAccount(context))
        {
            await Error(context, 500, "User is not registered.");
            return;
        }
        var entries = new JsonArray();
        lock (_gate)
        {
            var known = _sent.SelectMany(s => s.Recipients).ToHashSet(StringComparer.Ordinal);
            foreach (var person in _people.Values.Distinct())
            {
                if (!known.Contains(person.Number) && !known.Contains(person.Uuid)) continue;
                entries.Add(new JsonObject
                {
                    ["number"] = known.Contains(person.Number) || !person.HidesNumber ? person.Number : "",
                    ["status"] = _untrusted.Contains(person.Uuid) ? "UNTRUSTED" : "TRUSTED_UNVERIFIED",
                    ["fingerprint"] = "05 2a",
                    ["added"] = "2026-01-01T00:00:00Z",
                    ["safety_number"] = "12345 67890",
                    ["uuid"] = person.Uuid,
                });
            }
        }
        await Json(context, 200, entries);
    }

    private async Task TrustAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        if (body is null)
        {
            await Error(context, 400, "Couldn't process request - invalid request");
            return;
        }
        var all = body["trust_all_known_keys"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
        var safetyNumber = StringOf(body, "verified_safety_number");
        if (!all && safetyNumber is null)
        {
            await Error(context, 400, "Couldn't process request - please either provide a safety number (preferred & more secure) or set 'trust_all_known_keys' to true");
            return;
        }
        if (!IsOurAccount(context))
        {
            await Error(context, 400, "User is not registered.");
            return;
        }
        var recipient = Uri.UnescapeDataString(context.Request.RouteValues["numberToTrust"] as string ?? "");
        var person = PersonOf(recipient);
        lock (_gate)
        {
            _trustCalls.Add(new TrustCall(Account, recipient, all));
            _untrusted.Remove(person.Uuid);
        }
        context.Response.StatusCode = 204;
    }

    private async Task SetTrustModeAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        var mode = StringOf(body, "trust_mode");
        if (body is null)
        {
            await Error(context, 400, "Couldn't process request - invalid request");
            return;
        }
        if (mode is not ("always" or "on-first-use" or "never"))
        {
            await Error(context, 400, "Invalid trust mode");
            return;
        }
        if (!IsOurAccount(context))
        {
            await Error(context, 400, "Couldn't set trust mode");
            return;
        }
        TrustMode = mode;
        context.Response.StatusCode = 204;
    }

    private Task GetTrustModeAsync(HttpContext context) => Json(context, 200, new JsonObject { ["trust_mode"] = TrustMode });

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

    private string Envelope(Person person, long timestamp, JsonObject content) =>
        person.HidesNumber
            ? Envelope(person.Uuid, null, timestamp, content, person.Uuid)
            : Envelope(person.Number, person.Number, timestamp, content, person.Uuid);

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

    private List<string> Drain(int limit, out Task arrival)
    {
        lock (_gate)
        {
            var items = new List<string>();
            while (items.Count < limit && _inbox.TryDequeue(out var item))
            {
                items.Add(item);
            }
            if (_arrival.Task.IsCompleted && _inbox.Count == 0)
            {
                _arrival = NewSignal();
            }
            arrival = _arrival.Task;
            return items;
        }
    }

    private (int Status, string? Text)? TakeScripted(Queue<(int Status, string? Text)> failures)
    {
        lock (_gate)
        {
            return failures.TryDequeue(out var failure) ? failure : null;
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
