using System.Net;
using Jasmine.Bots.Tests.Fakes;

namespace Jasmine.Bots.Tests.Telegram;

public sealed class TelegramPollingTests
{
    private const long Nadia = 424242002;

    [Fact]
    public async Task In_polling_mode_updates_served_by_get_updates_reach_the_bot_and_get_answers()
    {
        await using var t = await TelegramTestHost.StartAsync(new() { ["Telegram:Mode"] = "polling" });
        var code = t.Host.NewInvite();
        t.Bot.FailNext("getUpdates", 1, FakeTelegramServer.ServerError());
        var start = t.Bot.QueueUpdate(Updates.Text(0, Nadia, "/start " + code));

        var first = await t.Bot.WaitForMessagesAsync(m => m.Any(x => x.Buttons.Count > 0), TimeSpan.FromSeconds(10));
        Assert.Contains(first, m => m.Buttons.Any(b => b.Label == "English"));
        var languages = first.Last(m => m.Buttons.Count > 0);
        t.Bot.QueueUpdate(Updates.Callback(0, Nadia, "lang:en", languages.MessageId));
        await t.Bot.WaitForMessagesAsync(m => m.Any(x => x.Text!.Contains("Before we start", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));

        Assert.NotEmpty(t.Bot.CallsTo("deleteWebhook"));
        Assert.Single(t.Bot.CallsTo("answerCallbackQuery"));
        // Offsets move on: the start update was confirmed, never served twice.
        Assert.Contains(t.Bot.CallsTo("getUpdates"), c => c.Body["offset"]?.GetValue<int>() > start);
        Assert.Single(t.Bot.MessagesTo(Nadia), m => m.Buttons.Any(b => b.Label == "English"));

        // No webhook endpoint in polling mode: nothing may inject updates over HTTP.
        var response = await t.PostAsync(Updates.Text(1, Nadia, "hello"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
