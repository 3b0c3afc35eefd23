using System.Diagnostics;
using System.Globalization;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Members;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace Jasmine.Bots.Benchmarks;

/// <summary>
/// A push warning to N Telegram members through a fake Bot API that enforces a per-bot limit (--rate, sliding
/// second) and one message per chat per second, our pacer set to the same rate. Measures the time from the
/// classification to the last warning received, as a ratio to the theoretical minimum N / rate (target ≤ 1.05),
/// and checks that nobody got it twice, nobody was missed, and the fake never had to say 429. With <c>--sms N</c>,
/// N more members are reachable by SMS only (the Android gateway, a loopback fake) and the day's SMS budget is
/// already spent: their warnings must wait in the SMS lane without slowing the Telegram part.
/// </summary>
public static class FanoutBenchmark
{
    private const string Token = "123456:FANOUT-bench";
    private const long FirstChat = 800_000_000;

    public static async Task RunAsync(string[] args)
    {
        var memberCount = IntOption(args, "--members", 10_000);
        var rate = IntOption(args, "--rate", 1_000);
        var smsOnly = Array.IndexOf(args, "--sms") is var k and >= 0 && k + 1 < args.Length && int.TryParse(args[k + 1], out var n) && n >= 0 ? n : 0;
        await using var gateway = await FakeAndroidGatewayServer.StartAsync();

        await using var bot = await FakeTelegramServer.StartAsync(Token, keepCalls: false);
        bot.PerBotPerSecond = rate;
        bot.PerChatPerSecond = 1;
        long received = 0;
        long lastAt = 0;
        bot.OnMessage = m => { Interlocked.Increment(ref received); Interlocked.Exchange(ref lastAt, m.ReceivedTimestamp); };

        var dataDir = Path.Combine(Path.GetTempPath(), "jasmine-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        await using var host = new TelegramLoadBenchmark.BenchHost(new Dictionary<string, string?>
        {
            ["Jasmine:DataDirectory"] = dataDir,
            ["Telegram:BotToken"] = Token,
            ["Telegram:ApiBaseUrl"] = bot.BaseUrl,
            ["Telegram:SecretToken"] = "bench_secret",
            ["Channels:Limits:telegram:PerSecond"] = rate.ToString(CultureInfo.InvariantCulture),
            ["Channels:Limits:telegram:PerConversationPerSecond"] = "1",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Sms:Provider"] = "android-gateway",
            ["Sms:AndroidGateway:ApiBaseUrl"] = gateway.BaseUrl,
            ["Sms:AndroidGateway:Username"] = FakeAndroidGatewayServer.Username,
            ["Sms:AndroidGateway:Password"] = gateway.Password,
            ["Sms:AndroidGateway:SigningKey"] = gateway.SigningKey,
        });
        var services = host.Services;

        var joining = Stopwatch.StartNew();
        var members = services.GetRequiredService<MemberService>();
        var store = services.GetRequiredService<JasmineStore>();
        // A few hundred joins per transaction: setting up 10,000 members is not what is measured.
        for (var start = 0; start < memberCount; start += 500)
        {
            store.InTransaction(() =>
            {
                for (var i = start; i < Math.Min(memberCount, start + 500); i++)
                {
                    var member = members.Join(members.CreateInvite(null, MemberRole.Member), Urns.Telegram(FirstChat + i), new NewMember("M" + i, "en", "75", MemberRole.Member, null))!;
                    member.Warnings = WarningScope.France;
                    members.Update(member);
                }
            });
        }
        store.InTransaction(() =>
        {
            for (var i = 0; i < smsOnly; i++)
                members.Join(members.CreateInvite(null, MemberRole.Member), Urns.Sms("+3361" + (3_000_000 + i).ToString("D7", CultureInfo.InvariantCulture)), new NewMember("S" + i, "en", "75", MemberRole.Member, null));
        });
        var budgets = services.GetRequiredService<ChannelBudgets>();
        if (smsOnly > 0) budgets.Spend("tel", budgets.Today(), new Channels.Sms.AndroidGatewayOptions().PerDay);
        if (smsOnly > 0) Console.WriteLine($"fanout: {smsOnly} more members reachable by SMS only; today's SMS budget already spent");
        Console.WriteLine($"fanout: {memberCount} members joined in {joining.Elapsed.TotalSeconds:0.0} s; fake Bot API limit {rate} msg/s per bot, 1 msg/s per chat; our pacer {rate} msg/s; {Environment.ProcessorCount} cores");

        var dispatcher = services.GetRequiredService<OutboxDispatcher>();
        var begin = Stopwatch.GetTimestamp();
        var said = new StringWriter();
        await services.GetRequiredService<AdminCommands>().RunAsync(["classify", "0655443322", "very-dangerous"], said, CancellationToken.None);
        var minimum = memberCount / (double)rate;
        var deadline = Stopwatch.StartNew();
        // IsIdle counts the SMS waiting for tomorrow: with --sms, only the Telegram side can be idle.
        while ((Interlocked.Read(ref received) < memberCount || (smsOnly == 0 && !dispatcher.IsIdle)) && deadline.Elapsed.TotalSeconds < minimum * 3 + 30) await Task.Delay(20);
        // Anything sent twice would arrive now.
        await Task.Delay(1000);

        var took = Stopwatch.GetElapsedTime(begin, Interlocked.Read(ref lastAt)).TotalSeconds;
        var perChat = bot.ReceivedPerChat;
        var missed = Enumerable.Range(0, memberCount).Count(i => perChat.GetValueOrDefault(FirstChat + i) == 0);
        var twice = perChat.Values.Count(n => n > 1);
        Console.WriteLine($"classification → last warning  {took,8:0.00} s   (theoretical minimum {minimum:0.00} s = {memberCount} / {rate}/s)");
        Console.WriteLine($"ratio to minimum               {took / minimum,8:0.000}   (target ≤ 1.05)");
        var fanout = services.GetRequiredService<Jasmine.Bots.Alerts.WarningsService>().Fanouts.FindAll().Single();
        Console.WriteLine($"queueing (fan-out job)         {(fanout.FinishedAt - fanout.CreatedAt)?.TotalSeconds,8:0.00} s   ({fanout.Queued} queued)");
        Console.WriteLine($"received {Interlocked.Read(ref received)}, missed {missed}, sent twice {twice}, 429 answered {bot.TooManyRequestsCount}");
        if (smsOnly > 0)
            Console.WriteLine($"sms: {services.GetRequiredService<OutboxStore>().LaneBacklog("tel").Proactive} warnings waiting in the SMS lane for tomorrow's budget, {gateway.Sent.Count} sent (expected {smsOnly} and 0)");
        Console.WriteLine(missed == 0 && twice == 0 ? "OK: every member warned exactly once" : "FAILED: some members missed or warned twice");
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) && value > 0 ? value : fallback;
    }
}
