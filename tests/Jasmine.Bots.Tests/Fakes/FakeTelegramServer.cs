using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Jasmine.Bots.Tests.Fakes;

/// <summary>A message the fake Bot API accepted (sendMessage or sendVenue), as the chat would show it.</summary>
public sealed record FakeTelegramMessage(string Method, long ChatId, int MessageId, string? Text, string? ParseMode, JsonNode? ReplyMarkup, long ReceivedTimestamp)
{
    /// <summary>Callback data of the inline buttons, row by row flattened.</summary>
    public IReadOnlyList<(string Label, string Data)> Buttons =>
        ReplyMarkup?["inline_keyboard"]?.AsArray().SelectMany(row => row!.AsArray())
            .Select(b => (b!["text"]!.GetValue<string>(), b["callback_data"]?.GetValue<string>() ?? "")).ToList() ?? [];

    public int ButtonRows => ReplyMarkup?["inline_keyboard"]?.AsArray().Count ?? 0;
}

/// <summary>Any Bot API call the fake answered, with its JSON body.</summary>
public sealed record FakeTelegramCall(string Method, JsonObject Body);

/// <summary>A scripted refusal, answered in the Bot API's error shape.</summary>
public sealed record FakeTelegramFailure(int ErrorCode, string Description, int? RetryAfter = null);

/// <summary>
/// The Telegram Bot API on 127.0.0.1, served by a real Kestrel: <c>/bot{token}/{method}</c>, JSON bodies in
/// snake_case, <c>{"ok":true,"result":…}</c> answers, errors with error_code and parameters.retry_after.
/// Only what the bot uses is implemented; every call is recorded.
/// </summary>
public sealed class FakeTelegramServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<FakeTelegramMessage> _messages = [];
    private readonly List<FakeTelegramCall> _calls = [];
    private readonly Dictionary<long, int> _lastMessageId = [];
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeTelegramFailure>> _failures = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<JsonObject> _updates = [];
    private readonly SemaphoreSlim _updateArrived = new(0);
    private int _nextUpdateId = 100_000;
    private int _requests;
    private int _tooManyRequests;
    private readonly Queue<long> _botWindow = new();
    private readonly Dictionary<long, Queue<long>> _chatWindows = [];
    private readonly Dictionary<long, int> _perChat = [];
    private readonly Dictionary<long, long> _retryNotBefore = [];
    private int _earlyRetries;

    public string Token { get; }
    public string BaseUrl { get; private set; } = "";
    public bool KeepCalls { get; init; } = true;

    /// <summary>Told of every accepted message as it arrives (the load benchmark times replies with it).</summary>
    public Action<FakeTelegramMessage>? OnMessage { get; set; }

    /// <summary>
    /// When set, sends beyond this many per sliding second (all chats together) are refused with 429 and a
    /// retry_after, as Telegram does for a bot that floods (~30 msg/s); refused sends do not count.
    /// </summary>
    public int? PerBotPerSecond { get; set; }

    /// <summary>The same per chat (Telegram: about one message per second in a private chat).</summary>
    public int? PerChatPerSecond { get; set; }

    /// <summary>Sends refused because a limit above was exceeded (scripted failures are not counted).</summary>
    public int TooManyRequestsCount => Volatile.Read(ref _tooManyRequests);

    /// <summary>Sends to a chat that came back before the retry_after it was told (a client not honouring 429).</summary>
    public int EarlyRetryCount => Volatile.Read(ref _earlyRetries);

    /// <summary>How many messages each chat received (accepted sends), kept even when <see cref="KeepCalls"/> is off.</summary>
    public IReadOnlyDictionary<long, int> ReceivedPerChat { get { lock (_gate) return new Dictionary<long, int>(_perChat); } }

    public string? WebhookUrl { get; private set; }
    public string? WebhookSecret { get; private set; }

    private FakeTelegramServer(string token)
    {
        Token = token;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/bot{token}/{method}", HandleAsync);
        _app.MapGet("/bot{token}/{method}", HandleAsync);
        // Files are downloaded from https://api.telegram.org/file/bot<token>/<file_path>, file_path from getFile.
        _app.MapGet("/file/bot{token}/{*path}", (string token, string path) =>
        {
            if (token != Token) return Results.NotFound();
            lock (_gate) return _files.Values.FirstOrDefault(f => f.Path == path) is { } file ? Results.Bytes(file.Content, "application/octet-stream") : Results.NotFound();
        });
    }

    private readonly Dictionary<string, (string Path, byte[] Content)> _files = new(StringComparer.Ordinal);

    /// <summary>A file a user sent, as Telegram keeps it: returns its file_id for a document in an update.</summary>
    public string AddFile(byte[] content, string fileName)
    {
        lock (_gate)
        {
            var id = "BQACAgQAAxkB" + (_files.Count + 1).ToString("D6", CultureInfo.InvariantCulture);
            _files[id] = ("documents/file_" + _files.Count + Path.GetExtension(fileName), content);
            return id;
        }
    }

    public static async Task<FakeTelegramServer> StartAsync(string token = "123456:TEST-token", bool keepCalls = true)
    {
        var server = new FakeTelegramServer(token) { KeepCalls = keepCalls };
        await server._app.StartAsync();
        server.BaseUrl = server._app.Urls.Single().TrimEnd('/');
        return server;
    }

    public IReadOnlyList<FakeTelegramMessage> Messages { get { lock (_gate) return [.. _messages]; } }
    public IReadOnlyList<FakeTelegramCall> Calls { get { lock (_gate) return [.. _calls]; } }
    public IReadOnlyList<FakeTelegramCall> CallsTo(string method) => Calls.Where(c => c.Method.Equals(method, StringComparison.OrdinalIgnoreCase)).ToList();
    public IReadOnlyList<FakeTelegramMessage> MessagesTo(long chatId) => Messages.Where(m => m.ChatId == chatId).ToList();
    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>The next <paramref name="count"/> calls of <paramref name="method"/> are refused this way.</summary>
    public void FailNext(string method, int count, FakeTelegramFailure failure)
    {
        var queue = _failures.GetOrAdd(method, _ => new());
        for (var i = 0; i < count; i++) queue.Enqueue(failure);
    }

    /// <summary>The next <paramref name="count"/> sendMessage calls are held this long before they are taken (and not taken if the caller has gone).</summary>
    public void HoldNext(int count, TimeSpan holdFor)
    {
        HoldFor = holdFor;
        Interlocked.Add(ref _holds, count);
    }

    private TimeSpan HoldFor { get; set; }
    private int _holds;
    private int _held;

    /// <summary>sendMessage calls held so far.</summary>
    public int Held => Volatile.Read(ref _held);

    private bool TakeHold()
    {
        while (true)
        {
            var left = Volatile.Read(ref _holds);
            if (left <= 0) return false;
            if (Interlocked.CompareExchange(ref _holds, left - 1, left) == left)
            {
                Interlocked.Increment(ref _held);
                return true;
            }
        }
    }

    /// <summary>Scripted refusals of <paramref name="method"/> not handed out yet.</summary>
    public int FailuresLeft(string method) => _failures.TryGetValue(method, out var queue) ? queue.Count : 0;

    public static FakeTelegramFailure TooManyRequests(int retryAfter = 1) => new(429, $"Too Many Requests: retry after {retryAfter}", retryAfter);
    public static FakeTelegramFailure ServerError() => new(500, "Internal Server Error");
    public static FakeTelegramFailure Blocked() => new(403, "Forbidden: bot was blocked by the user");
    public static FakeTelegramFailure ChatNotFound() => new(400, "Bad Request: chat not found");

    /// <summary>Queues an update for getUpdates (its update_id is assigned here and returned).</summary>
    public int QueueUpdate(JsonObject update)
    {
        lock (_gate)
        {
            var id = _nextUpdateId++;
            update["update_id"] = id;
            _updates.Add(update);
            _updateArrived.Release();
            return id;
        }
    }

    /// <summary>Waits until the recorded messages satisfy <paramref name="done"/>; fails with what arrived so far.</summary>
    public async Task<IReadOnlyList<FakeTelegramMessage>> WaitForMessagesAsync(Func<IReadOnlyList<FakeTelegramMessage>, bool> done, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        while (true)
        {
            var now = Messages;
            if (done(now)) return now;
            if (deadline.Elapsed > limit)
                throw new TimeoutException($"The fake Bot API did not receive the expected messages within {limit.TotalSeconds:0.#} s; got {now.Count}:\n" +
                    string.Join("\n---\n", now.Select(m => $"[{m.ChatId}] {m.Text}")));
            await Task.Delay(15);
        }
    }

    private async Task<IResult> HandleAsync(HttpContext context, string token, string method)
    {
        Interlocked.Increment(ref _requests);
        // Telegram answers 404 to a malformed token and 401 to a well-formed one it does not know.
        if (!token.Contains(':')) return Error(404, "Not Found");
        if (token != Token) return Error(401, "Unauthorized");

        JsonObject body;
        try
        {
            // sendDocument uploads a file: multipart/form-data, as Telegram's API documents for InputFile.
            if (context.Request.HasFormContentType)
            {
                var form = await context.Request.ReadFormAsync();
                body = [];
                foreach (var (k, v) in form) body[k] = v.ToString();
                foreach (var file in form.Files)
                {
                    using var ms = new MemoryStream();
                    await file.CopyToAsync(ms);
                    var described = new JsonObject { ["file_name"] = file.FileName, ["length"] = ms.Length, ["head"] = System.Text.Encoding.ASCII.GetString(ms.ToArray(), 0, (int)Math.Min(8, ms.Length)) };
                    // A field may name the file part as "attach://<name>" (how clients upload several files at once).
                    var referring = body.Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out var str) && str == "attach://" + file.Name).Select(p => p.Key).ToList();
                    foreach (var key in referring) body[key] = described.DeepClone();
                    if (referring.Count == 0) body[file.Name] = described;
                }
            }
            else body = context.Request.HasJsonContentType() || context.Request.ContentLength > 0
                ? (await JsonNode.ParseAsync(context.Request.Body))?.AsObject() ?? []
                : [];
        }
        catch (JsonException)
        {
            return Error(400, "Bad Request: can't parse JSON");
        }
        if (KeepCalls) lock (_gate) _calls.Add(new FakeTelegramCall(method, body));

        if (_failures.TryGetValue(method, out var queue) && queue.TryDequeue(out var failure))
            return Error(failure.ErrorCode, failure.Description, failure.RetryAfter);

        // A slow network: the answer comes late, and a caller that is gone by then (killed) sent nothing.
        if (method.Equals("sendMessage", StringComparison.OrdinalIgnoreCase) && TakeHold())
        {
            try { await Task.Delay(HoldFor, context.RequestAborted); }
            catch (OperationCanceledException) { return Results.Empty; }
            if (context.RequestAborted.IsCancellationRequested) return Results.Empty;
        }

        switch (method.ToLowerInvariant())
        {
            case "getme":
                return Ok(new JsonObject { ["id"] = long.Parse(Token.Split(':')[0], CultureInfo.InvariantCulture), ["is_bot"] = true, ["first_name"] = "Jasmine", ["username"] = "jasmine_test_bot" });
            case "sendmessage":
            {
                if (body["text"]?.GetValue<string>() is not { Length: > 0 } text) return Error(400, "Bad Request: message text is empty");
                if (text.Length > 4096) return Error(400, "Bad Request: message is too long");
                if (Throttle(body) is { } retryAfter) return Error(429, $"Too Many Requests: retry after {retryAfter}", retryAfter);
                return Ok(Accept("sendMessage", body, text));
            }
            case "sendvenue":
            {
                if (body["title"] is null || body["address"] is null || body["latitude"] is null) return Error(400, "Bad Request: venue fields missing");
                if (Throttle(body) is { } retryAfter) return Error(429, $"Too Many Requests: retry after {retryAfter}", retryAfter);
                var title = body["title"]!.GetValue<string>();
                var venue = Accept("sendVenue", body, title);
                venue["venue"] = new JsonObject { ["title"] = title, ["address"] = body["address"]!.DeepClone(), ["location"] = new JsonObject { ["latitude"] = body["latitude"]!.DeepClone(), ["longitude"] = body["longitude"]!.DeepClone() } };
                return Ok(venue);
            }
            case "senddocument":
            {
                if (body["document"] is not JsonObject doc) return Error(400, "Bad Request: there is no document in the request");
                return Ok(Accept("sendDocument", body, doc["file_name"]?.GetValue<string>() ?? "document"));
            }
            case "answercallbackquery":
                return body["callback_query_id"] is null ? Error(400, "Bad Request: query id is empty") : Ok(true);
            case "setwebhook":
                lock (_gate) { WebhookUrl = body["url"]?.GetValue<string>(); WebhookSecret = body["secret_token"]?.GetValue<string>(); }
                return Ok(true);
            case "deletewebhook":
                lock (_gate) { WebhookUrl = null; WebhookSecret = null; }
                return Ok(true);
            case "setmycommands":
            case "setmyname":
            case "setmydescription":
            case "setmyshortdescription":
            case "deletemessages":
                return Ok(true);
            case "getfile":
            {
                var fileId = body["file_id"]?.GetValue<string>();
                lock (_gate)
                {
                    if (fileId is null || !_files.TryGetValue(fileId, out var file)) return Error(400, "Bad Request: invalid file_id");
                    return Ok(new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = "u" + fileId[^6..], ["file_size"] = file.Content.Length, ["file_path"] = file.Path });
                }
            }
            case "getupdates":
                return await GetUpdatesAsync(body, context.RequestAborted);
            default:
                return Error(404, "Not Found: method not found");
        }
    }

    private static long ChatIdOf(JsonObject body) => body["chat_id"]!.GetValueKind() == JsonValueKind.String
        ? long.Parse(body["chat_id"]!.GetValue<string>(), CultureInfo.InvariantCulture)
        : body["chat_id"]!.GetValue<long>();

    /// <summary>
    /// Sliding one-second windows of accepted sends, per bot and per chat. Null when the send may go (it is then
    /// counted); otherwise the whole seconds to wait, at least 1 as Telegram never says 0.
    /// </summary>
    private int? Throttle(JsonObject body)
    {
        if (PerBotPerSecond is null && PerChatPerSecond is null) return null;
        var chatId = ChatIdOf(body);
        var now = Stopwatch.GetTimestamp();
        var windowStart = now - Stopwatch.Frequency;
        lock (_gate)
        {
            while (_botWindow.Count > 0 && _botWindow.Peek() <= windowStart) _botWindow.Dequeue();
            if (!_chatWindows.TryGetValue(chatId, out var chat)) _chatWindows[chatId] = chat = new Queue<long>();
            while (chat.Count > 0 && chat.Peek() <= windowStart) chat.Dequeue();
            if (_retryNotBefore.TryGetValue(chatId, out var notBefore) && now < notBefore) _earlyRetries++;
            long? freeAt = null;
            if (PerBotPerSecond is { } perBot && _botWindow.Count >= perBot) freeAt = _botWindow.Peek() + Stopwatch.Frequency;
            if (PerChatPerSecond is { } perChat && chat.Count >= perChat) freeAt = Math.Max(freeAt ?? 0, chat.Peek() + Stopwatch.Frequency);
            if (freeAt is { } at)
            {
                _tooManyRequests++;
                var retryAfter = Math.Max(1, (int)Math.Ceiling((at - now) / (double)Stopwatch.Frequency));
                _retryNotBefore[chatId] = now + retryAfter * Stopwatch.Frequency;
                return retryAfter;
            }
            _botWindow.Enqueue(now);
            chat.Enqueue(now);
            return null;
        }
    }

    private JsonObject Accept(string method, JsonObject body, string? text)
    {
        var chatId = ChatIdOf(body);
        FakeTelegramMessage message;
        lock (_gate)
        {
            var id = _lastMessageId.GetValueOrDefault(chatId) + 1;
            _lastMessageId[chatId] = id;
            _perChat[chatId] = _perChat.GetValueOrDefault(chatId) + 1;
            message = new FakeTelegramMessage(method, chatId, id, text, body["parse_mode"]?.GetValue<string>(), body["reply_markup"]?.DeepClone(), Stopwatch.GetTimestamp());
            _messages.Add(message);
        }
        OnMessage?.Invoke(message);
        var result = new JsonObject
        {
            ["message_id"] = message.MessageId,
            ["from"] = new JsonObject { ["id"] = long.Parse(Token.Split(':')[0], CultureInfo.InvariantCulture), ["is_bot"] = true, ["first_name"] = "Jasmine" },
            ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        if (method == "sendMessage") result["text"] = text;
        return result;
    }

    private async Task<IResult> GetUpdatesAsync(JsonObject body, CancellationToken aborted)
    {
        var offset = body["offset"]?.GetValue<int>() ?? 0;
        var limit = Math.Clamp(body["limit"]?.GetValue<int>() ?? 100, 1, 100);
        // Long polling, capped at one second so tests and shutdowns stay quick.
        var wait = TimeSpan.FromSeconds(Math.Min(body["timeout"]?.GetValue<int>() ?? 0, 1));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            JsonArray served;
            lock (_gate)
            {
                // As Telegram does: asking from an offset confirms every earlier update.
                _updates.RemoveAll(u => u["update_id"]!.GetValue<int>() < offset);
                served = new JsonArray(_updates.Take(limit).Select(u => (JsonNode)u.DeepClone()).ToArray());
            }
            if (served.Count > 0 || deadline.Elapsed >= wait) return Ok(served);
            try { await _updateArrived.WaitAsync(wait - deadline.Elapsed, aborted); }
            catch (OperationCanceledException) { return Ok(new JsonArray()); }
        }
    }

    private static IResult Ok(JsonNode result) =>
        Results.Text(new JsonObject { ["ok"] = true, ["result"] = result }.ToJsonString(), "application/json");

    private static IResult Error(int code, string description, int? retryAfter = null)
    {
        var json = new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description };
        if (retryAfter is { } seconds) json["parameters"] = new JsonObject { ["retry_after"] = seconds };
        return Results.Text(json.ToJsonString(), "application/json", statusCode: code);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
