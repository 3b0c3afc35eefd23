using System.Text;
using System.Text.Json.Nodes;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Telegram;

/// <summary>The real host wired to a fake Bot API, and a way to talk to it as Telegram's servers would.</summary>
public sealed class TelegramTestHost : IAsyncDisposable
{
    public const string Token = "123456:TEST-token";
    public const string Secret = "test_secret-Token_0123456789";

    private int _nextUpdateId = 500_000;
    private readonly Lazy<HttpClient> _http;

    private TelegramTestHost(FakeTelegramServer bot, JasmineFactory host)
    {
        Bot = bot;
        Host = host;
        _http = new(() => Host.CreateClient());
    }

    public FakeTelegramServer Bot { get; }
    public JasmineFactory Host { get; }

    public static async Task<TelegramTestHost> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var bot = await FakeTelegramServer.StartAsync(Token);
        var all = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = Token,
            ["Telegram:ApiBaseUrl"] = bot.BaseUrl,
            ["Telegram:SecretToken"] = Secret,
            // Telegram's pace (30/s, 1/s per chat) is its own test's business; here it would only slow every exchange.
            ["Channels:Limits:telegram:PerSecond"] = "1000",
            ["Channels:Limits:telegram:PerConversationPerSecond"] = "100",
        };
        foreach (var (k, v) in settings ?? []) all[k] = v;
        var host = new JasmineFactory(all);
        _ = host.Services; // start the host (and its outbox dispatcher) now
        return new TelegramTestHost(bot, host);
    }

    public int NextUpdateId() => Interlocked.Increment(ref _nextUpdateId);

    /// <summary>POSTs an update as Telegram would, with the right secret unless told otherwise.</summary>
    public async Task<HttpResponseMessage> PostAsync(JsonObject update, string? secret = Secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/telegram")
        {
            Content = new StringContent(update.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (secret is not null) request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        return await _http.Value.SendAsync(request);
    }

    public async Task SendAsync(JsonObject update)
    {
        var response = await PostAsync(update);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    public Task SendTextAsync(long chatId, string text) => SendAsync(Updates.Text(NextUpdateId(), chatId, text));

    /// <summary>Sends a text and waits until the bot has answered it (the outbox has nothing left to send).</summary>
    public async Task<IReadOnlyList<FakeTelegramMessage>> SayAsync(long chatId, string text) =>
        await ExchangeAsync(chatId, () => SendTextAsync(chatId, text));

    /// <summary>Presses the button whose label contains the text under the bot's last message that has buttons.</summary>
    public async Task<IReadOnlyList<FakeTelegramMessage>> TapAsync(long chatId, string labelContains)
    {
        var withButtons = Bot.MessagesTo(chatId).LastOrDefault(m => m.Buttons.Count > 0)
            ?? throw new Xunit.Sdk.XunitException("The bot has shown no buttons in this chat.");
        var button = withButtons.Buttons.FirstOrDefault(b => b.Label.Contains(labelContains, StringComparison.OrdinalIgnoreCase));
        if (button.Data is null)
            throw new Xunit.Sdk.XunitException($"No button containing '{labelContains}' in: {string.Join(" | ", withButtons.Buttons.Select(b => b.Label))}");
        return await ExchangeAsync(chatId, () => SendAsync(Updates.Callback(NextUpdateId(), chatId, button.Data, withButtons.MessageId)));
    }

    /// <summary>Runs an action and returns what the bot sent to that chat because of it.</summary>
    public async Task<IReadOnlyList<FakeTelegramMessage>> ExchangeAsync(long chatId, Func<Task> act)
    {
        var before = Bot.MessagesTo(chatId).Count;
        await act();
        await WaitUntilSentAsync();
        var after = Bot.MessagesTo(chatId);
        Assert.True(after.Count > before, "The bot answered nothing.");
        return after.Skip(before).ToList();
    }

    /// <summary>Waits until the outbox is empty and idle: everything queued has been sent (or given up).</summary>
    public async Task WaitUntilSentAsync(TimeSpan? timeout = null)
    {
        var dispatcher = Host.Get<OutboxDispatcher>();
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!dispatcher.IsIdle)
        {
            if (watch.Elapsed > limit) throw new TimeoutException($"The outbox still had messages after {limit.TotalSeconds} s.");
            await Task.Delay(10);
        }
    }

    public async Task JoinAsync(long chatId, string pseudonym = "Lili", string language = "English")
    {
        await SayAsync(chatId, "/start " + Host.NewInvite());
        await TapAsync(chatId, language);
        await TapAsync(chatId, language == "English" ? "Yes" : "Oui");
        await SayAsync(chatId, pseudonym);
        await SayAsync(chatId, "75");
    }

    public async Task<string> AdminAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await Host.Get<AdminCommands>().RunAsync(args, output, CancellationToken.None);
        Assert.True(code == 0, $"admin {string.Join(' ', args)} exited {code}:\n{output}");
        return output.ToString();
    }

    public static string Texts(IEnumerable<FakeTelegramMessage> messages) => string.Join("\n---\n", messages.Select(m => m.Text));

    public async ValueTask DisposeAsync()
    {
        if (_http.IsValueCreated) _http.Value.Dispose();
        Host.Dispose();
        await Bot.DisposeAsync();
    }
}

/// <summary>Real-shaped Bot API updates (core.telegram.org/bots/webhooks).</summary>
public static class Updates
{
    private static JsonObject User(long id) => new() { ["id"] = id, ["is_bot"] = false, ["first_name"] = "Test", ["language_code"] = "fr" };
    private static JsonObject PrivateChat(long id) => new() { ["id"] = id, ["type"] = "private", ["first_name"] = "Test" };

    private static JsonObject Message(int updateId, long chatId, Action<JsonObject> fill)
    {
        var message = new JsonObject
        {
            ["message_id"] = updateId % 100_000,
            ["from"] = User(chatId),
            ["chat"] = PrivateChat(chatId),
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        fill(message);
        return new JsonObject { ["update_id"] = updateId, ["message"] = message };
    }

    public static JsonObject Text(int updateId, long chatId, string text) => Message(updateId, chatId, m => m["text"] = text);

    public static JsonObject Contact(int updateId, long chatId, string phone) =>
        Message(updateId, chatId, m => m["contact"] = new JsonObject { ["phone_number"] = phone, ["first_name"] = "Client" });

    /// <summary>A document message (a file she shared), as a Bot API update carries it: only its file_id, fetched with getFile.</summary>
    public static JsonObject Document(int updateId, long chatId, string fileId, string fileName, string mimeType, long size, string? caption = null) =>
        Message(updateId, chatId, m =>
        {
            m["document"] = new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = "u" + fileId[^6..], ["file_name"] = fileName, ["mime_type"] = mimeType, ["file_size"] = size };
            if (caption is not null) m["caption"] = caption;
        });

    public static JsonObject Location(int updateId, long chatId, double latitude, double longitude) =>
        Message(updateId, chatId, m => m["location"] = new JsonObject { ["latitude"] = latitude, ["longitude"] = longitude });

    public static JsonObject GroupText(int updateId, long groupId, long fromId, string text) => new()
    {
        ["update_id"] = updateId,
        ["message"] = new JsonObject
        {
            ["message_id"] = 7,
            ["from"] = User(fromId),
            ["chat"] = new JsonObject { ["id"] = groupId, ["type"] = "group", ["title"] = "Team" },
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["text"] = text,
        },
    };

    public static JsonObject Callback(int updateId, long chatId, string data, int underMessageId) => new()
    {
        ["update_id"] = updateId,
        ["callback_query"] = new JsonObject
        {
            ["id"] = "cq" + updateId,
            ["from"] = User(chatId),
            ["message"] = new JsonObject
            {
                ["message_id"] = underMessageId,
                ["from"] = new JsonObject { ["id"] = 123456, ["is_bot"] = true, ["first_name"] = "Jasmine" },
                ["chat"] = PrivateChat(chatId),
                ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["text"] = "…",
            },
            ["chat_instance"] = "-123456789",
            ["data"] = data,
        },
    };
}
