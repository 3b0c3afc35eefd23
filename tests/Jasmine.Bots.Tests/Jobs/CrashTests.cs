using System.Globalization;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;
using Jasmine.Bots.Tests.Telegram;
using Xunit.Abstractions;

namespace Jasmine.Bots.Tests.Jobs;

/// <summary>
/// kill -9 in the middle of the work, then a restart: the real host as a child process, a fake Bot API in the
/// test that enforces a slow limit so the kill lands while warnings are still going out.
/// </summary>
/// <remarks>
/// Delivery is at least once, not exactly once. A message leaves the outbox when the channel has accepted it; a
/// SIGKILL between the channel's "ok" and the deletion reaching the store sends it again after the restart. The
/// Bot API takes no idempotency key, so no design of ours can close that window, only keep it short. LiteDB 5.0
/// writes its commits on a background thread, so without more a kill lost ~0.3 s of deletions (18 of 300 members
/// warned twice in the first run of this test); the outbox now journals each send with a write() the kernel keeps
/// and replays it at start (see OutboxStore), which leaves microseconds between the channel's answer and that
/// write. The fan-out test asserts that nobody is missed and that only a send answered in the second before the kill
/// is sent again, and reports what it saw;
/// missing a warning about a dangerous client would be the worse failure.
/// </remarks>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const string Token = "123456:CRASH-token";
    private const long FirstChat = 710_000_000;
    private const long StaffChat = 719_999_001;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "jasmine-crash", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }

    private static Dictionary<string, string?> Settings(FakeTelegramServer bot, int perSecond) => new()
    {
        ["Telegram:BotToken"] = Token,
        ["Telegram:ApiBaseUrl"] = bot.BaseUrl,
        ["Telegram:SecretToken"] = "crash_secret",
        ["Channels:Limits:telegram:PerSecond"] = perSecond.ToString(CultureInfo.InvariantCulture),
        ["Channels:Limits:telegram:PerConversationPerSecond"] = "1",
        ["Jasmine:FollowUp:Rota:0"] = "telegram:" + StaffChat.ToString(CultureInfo.InvariantCulture),
        ["Jasmine:FollowUp:AckTimeout"] = "00:00:03",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Waits until the fake has received nothing new for <paramref name="quiet"/>.</summary>
    private static async Task WaitForQuietAsync(FakeTelegramServer bot, TimeSpan quiet, TimeSpan timeout)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var last = bot.ReceivedPerChat.Values.Sum();
        var since = System.Diagnostics.Stopwatch.StartNew();
        while (since.Elapsed < quiet && watch.Elapsed < timeout)
        {
            await Task.Delay(100);
            var now = bot.ReceivedPerChat.Values.Sum();
            if (now != last) { last = now; since.Restart(); }
        }
    }

    [Fact]
    public async Task A_fan_out_killed_mid_way_resumes_after_the_restart_and_misses_nobody()
    {
        const int count = 300;
        await using var bot = await FakeTelegramServer.StartAsync(Token, keepCalls: false);
        bot.PerBotPerSecond = 50;
        bot.PerChatPerSecond = 1;
        var settings = Settings(bot, perSecond: 50);
        IReadOnlyList<long> chats;
        using (var prepare = new JasmineFactory(settings, _dataDirectory)) chats = TelegramMembers.Join(prepare.Services, FirstChat, count);

        var host = await HostProcess.StartAsync(_dataDirectory, settings);
        try
        {
            var (code, said) = await HostProcess.RunCliAsync(_dataDirectory, "classify", "0655443322", "very-dangerous");
            Assert.True(code == 0, said);
            Assert.Contains("Push warning", said);
            await Eventually.True(() => bot.ReceivedPerChat.Count >= count / 3, "a third of the warnings sent", 20_000);
            var killedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            host.Kill();
            var atKill = bot.ReceivedPerChat.Count;
            output.WriteLine($"killed after {atKill} of {count} warnings");
            Assert.True(atKill < count, "the kill came too late to test anything");

            await host.DisposeAsync();
            host = await HostProcess.StartAsync(_dataDirectory, settings);
            await Eventually.True(() => bot.ReceivedPerChat.Count >= count, "every member warned after the restart", 25_000);
            await WaitForQuietAsync(bot, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(5));

            var received = bot.ReceivedPerChat;
            var missed = chats.Count(c => received.GetValueOrDefault(c) == 0);
            var twice = chats.Count(c => received.GetValueOrDefault(c) > 1);
            output.WriteLine($"missed {missed}, sent twice {twice}, 429 answered {bot.TooManyRequestsCount}");
            Assert.Equal(0, missed);
            // Sent again only if the channel answered it in the instant before the kill, before its journal line was
            // written. Several workers send in parallel, so on a starved machine more than one can be caught there;
            // a send answered well before the kill and sent again would mean the journal lost it.
            foreach (var chat in chats.Where(c => received.GetValueOrDefault(c) > 1))
            {
                var age = System.Diagnostics.Stopwatch.GetElapsedTime(bot.MessagesTo(chat)[0].ReceivedTimestamp, killedAt);
                output.WriteLine($"chat {chat}: first sent {age.TotalMilliseconds:0} ms before the kill, sent again after the restart");
                Assert.True(age < TimeSpan.FromSeconds(1), $"a warning the channel accepted {age.TotalMilliseconds:0} ms before the kill was sent again: its journal line was lost");
            }
            Assert.All(chats, c => Assert.InRange(received.GetValueOrDefault(c), 1, 2));
            // "queued" may be below the count: a batch redone after the kill skips those the journal says were sent.
            var (_, status) = await HostProcess.RunCliAsync(_dataDirectory, "warnings", "status");
            Assert.Contains("Done", status);
            Assert.Contains("0 waiting, 0 failed", status);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_case_opened_just_before_a_kill_reaches_the_staff_once_after_the_restart_and_keeps_escalating()
    {
        await using var bot = await FakeTelegramServer.StartAsync(Token, keepCalls: true);
        bot.PerBotPerSecond = 50;
        bot.PerChatPerSecond = 1;
        var settings = Settings(bot, perSecond: 50);
        settings["Jasmine:TryIt:Enabled"] = "true";
        string invite;
        Jasmine.Bots.Channels.Try.TrySessions sessions;
        using (var prepare = new JasmineFactory(settings, _dataDirectory))
        {
            invite = prepare.NewInvite();
            // The child process reads the same key file, so it accepts the session cookie made here.
            sessions = prepare.Get<Jasmine.Bots.Channels.Try.TrySessions>();
        }

        var host = await HostProcess.StartAsync(_dataDirectory, settings);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(host.Url) };
            var victim = new Chat(http, sessions, "victim");
            await victim.Join(invite);
            foreach (var step in new[] { "/report", "0611223344", "1", "2", "11", "1", "Lyon", "He hurt me badly near the station", "1", "1", "1", "4" }) await victim.Send(step);
            await victim.Send("1");
            victim.Expect("will contact you");
            var reference = System.Text.RegularExpressions.Regex.Match(victim.LastText, @"R-[A-Z0-9]{4,8}").Value;
            host.Kill();
            output.WriteLine($"killed with {bot.MessagesTo(StaffChat).Count} staff message(s) sent");

            await host.DisposeAsync();
            host = await HostProcess.StartAsync(_dataDirectory, settings);
            var staff = await bot.WaitForMessagesAsync(m => m.Any(x => x.ChatId == StaffChat && x.Text!.Contains("niveau 2")), TimeSpan.FromSeconds(15));
            var toStaff = staff.Where(m => m.ChatId == StaffChat).ToList();
            Assert.Single(toStaff, m => m.Text!.Contains(reference) && m.Text.Contains("niveau 1"));
            Assert.Single(toStaff, m => m.Text!.Contains(reference) && m.Text.Contains("niveau 2"));
            Assert.DoesNotContain("0611223344", string.Join("\n", toStaff.Select(m => m.Text)));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
