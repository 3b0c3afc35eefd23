using Jasmine.Bots.Admin;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;
using Jasmine.Bots.Tests.Telegram;
using Xunit.Abstractions;

namespace Jasmine.Bots.Tests.Alerts;

/// <summary>
/// A push warning to hundreds of Telegram members through a fake Bot API that enforces a per-bot and a per-chat
/// limit (sliding second, 429 with retry_after beyond it), scaled up from Telegram's 30/s so the tests stay short.
/// </summary>
public sealed class FanoutRateLimitTests(ITestOutputHelper output)
{
    private const string Token = "123456:FANOUT-token";
    private const long FirstChat = 700_000_000;

    private static Dictionary<string, string?> Settings(FakeTelegramServer bot, int ourPerSecond) => new()
    {
        ["Telegram:BotToken"] = Token,
        ["Telegram:ApiBaseUrl"] = bot.BaseUrl,
        ["Telegram:SecretToken"] = "fanout_secret",
        ["Channels:Limits:telegram:PerSecond"] = ourPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Channels:Limits:telegram:PerConversationPerSecond"] = "1",
    };

    private static async Task<string> Admin(JasmineFactory host, params string[] args)
    {
        var text = new StringWriter();
        Assert.Equal(0, await host.Get<AdminCommands>().RunAsync(args, text, CancellationToken.None));
        return text.ToString();
    }

    private async Task<IReadOnlyDictionary<long, int>> WarnAllAsync(FakeTelegramServer bot, JasmineFactory host, IReadOnlyList<long> chats, int timeoutMs)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Admin(host, "classify", "0655443322", "very-dangerous");
        var dispatcher = host.Get<OutboxDispatcher>();
        try { await Eventually.True(() => bot.ReceivedPerChat.Count >= chats.Count && dispatcher.IsIdle, $"{chats.Count} members warned", timeoutMs); }
        catch (Xunit.Sdk.XunitException e)
        {
            var problems = host.Logs.Lines.Where(l => l.StartsWith("Warning") || l.StartsWith("Error") || l.Contains("Push warning")).Take(30);
            throw new Xunit.Sdk.XunitException($"{e.Message}; {bot.ReceivedPerChat.Count} received, status:\n{await Admin(host, "warnings", "status")}\n{string.Join("\n", problems)}");
        }
        output.WriteLine($"{chats.Count} warnings in {watch.Elapsed.TotalSeconds:0.00} s; 429 answered: {bot.TooManyRequestsCount}");
        // Anything sent twice would arrive now.
        await Task.Delay(300);
        return bot.ReceivedPerChat;
    }

    [Fact]
    public async Task Every_member_gets_exactly_one_warning_and_the_channel_never_refuses_when_our_pace_equals_its_limit()
    {
        await using var bot = await FakeTelegramServer.StartAsync(Token, keepCalls: false);
        bot.PerBotPerSecond = 300;
        bot.PerChatPerSecond = 1;
        using var host = new JasmineFactory(Settings(bot, ourPerSecond: 300));
        var chats = TelegramMembers.Join(host.Services, FirstChat, 400);

        var received = await WarnAllAsync(bot, host, chats, 30_000);

        Assert.Equal(chats.Count, received.Count);
        Assert.All(chats, chat => Assert.Equal(1, received.GetValueOrDefault(chat)));
        Assert.Equal(0, bot.TooManyRequestsCount);
        var status = await Admin(host, "warnings", "status");
        Assert.Contains("400 members considered, 400 queued, 400 sent, 0 waiting, 0 failed", status);
    }

    [Fact]
    public async Task When_the_channel_allows_less_than_we_think_its_429s_are_honoured_and_still_nobody_is_missed_or_warned_twice()
    {
        await using var bot = await FakeTelegramServer.StartAsync(Token, keepCalls: false);
        bot.PerBotPerSecond = 100;
        bot.PerChatPerSecond = 1;
        using var host = new JasmineFactory(Settings(bot, ourPerSecond: 300));
        var chats = TelegramMembers.Join(host.Services, FirstChat, 300);

        var received = await WarnAllAsync(bot, host, chats, 35_000);

        Assert.True(bot.TooManyRequestsCount > 0, "the fake should have refused some sends");
        Assert.Equal(0, bot.EarlyRetryCount);
        Assert.Equal(chats.Count, received.Count);
        Assert.All(chats, chat => Assert.Equal(1, received.GetValueOrDefault(chat)));
        Assert.Contains("300 queued, 300 sent, 0 waiting, 0 failed", await Admin(host, "warnings", "status"));
    }
}
