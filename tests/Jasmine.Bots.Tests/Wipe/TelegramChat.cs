using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;
using Jasmine.Bots.Tests.Telegram;

namespace Jasmine.Bots.Tests.Wipe;

/// <summary>
/// Her side of a Telegram chat with the real host: her messages carry message ids of their own (from
/// <paramref name="firstMessageId"/> up) so that they cannot be mistaken for the bot's in what gets deleted.
/// </summary>
internal sealed class TelegramChat(JasmineFactory host, FakeTelegramServer bot, long chatId, int firstMessageId)
{
    private static int _updateId = 800_000;
    private readonly HttpClient _http = host.CreateClient();

    public long ChatId => chatId;
    public List<int> HerMessageIds { get; } = [];

    public static Dictionary<string, string?> Settings(FakeTelegramServer bot) => new()
    {
        ["Telegram:BotToken"] = TelegramTestHost.Token,
        ["Telegram:ApiBaseUrl"] = bot.BaseUrl,
        ["Telegram:SecretToken"] = TelegramTestHost.Secret,
    };

    public Task Say(string text)
    {
        var id = firstMessageId + HerMessageIds.Count;
        HerMessageIds.Add(id);
        var update = Updates.Text(Interlocked.Increment(ref _updateId), chatId, text);
        update["message"]!["message_id"] = id;
        return PostAsync(update);
    }

    public Task Tap(string labelContains)
    {
        var withButtons = bot.MessagesTo(chatId).LastOrDefault(m => m.Buttons.Count > 0)
            ?? throw new Xunit.Sdk.XunitException("No buttons in this chat.");
        var button = withButtons.Buttons.FirstOrDefault(b => b.Label.Contains(labelContains, StringComparison.OrdinalIgnoreCase));
        if (button.Data is null)
            throw new Xunit.Sdk.XunitException($"No button containing '{labelContains}' in: {string.Join(" | ", withButtons.Buttons.Select(b => b.Label))}");
        return PostAsync(Updates.Callback(Interlocked.Increment(ref _updateId), chatId, button.Data, withButtons.MessageId));
    }

    public string LastText => bot.MessagesTo(chatId).LastOrDefault()?.Text ?? "";

    public IReadOnlyList<int> BotMessageIds => bot.MessagesTo(chatId).Select(m => m.MessageId).ToList();

    /// <summary>Every id the fake was asked to delete in this chat; each call checked against Telegram's 100-id limit.</summary>
    public IReadOnlyList<int> DeletedIds()
    {
        var ids = new List<int>();
        foreach (var call in bot.CallsTo("deleteMessages").Where(c => c.Body["chat_id"]!.GetValue<long>() == chatId))
        {
            var batch = call.Body["message_ids"]!.AsArray().Select(n => n!.GetValue<int>()).ToList();
            Assert.InRange(batch.Count, 1, 100);
            ids.AddRange(batch);
        }
        return ids;
    }

    public async Task<IReadOnlyList<int>> WaitForDeletionsAsync(IReadOnlyCollection<int> expected, TimeSpan? within = null)
    {
        // The deletions are a Hangfire job's: on a loaded machine (the whole suite) it may start late, as in WaitForInbox.
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var deleted = DeletedIds();
            if (expected.All(deleted.Contains)) return deleted;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"deleteMessages covered {deleted.Count} ids; missing: {string.Join(",", expected.Except(deleted))}");
            await Task.Delay(50);
        }
    }

    private async Task PostAsync(JsonObject update)
    {
        var before = bot.MessagesTo(chatId).Count;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/telegram")
        {
            Content = new StringContent(update.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", TelegramTestHost.Secret);
        var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var dispatcher = host.Get<OutboxDispatcher>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!dispatcher.IsIdle || bot.MessagesTo(chatId).Count == before)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The bot answered nothing.");
            await Task.Delay(10);
        }
    }
}
