using System.Diagnostics;
using System.Globalization;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Members;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;
using Xunit.Abstractions;

namespace Jasmine.Bots.Tests.Sms;

/// <summary>
/// The issue's "done when": a push warning to 2,000 members, 300 of them reachable by SMS only, under a 500-a-day
/// SMS budget. Telegram goes at its own pace whatever SMS waits; SMS goes gravest warning first, then by
/// département, and what the day cannot carry waits for the next — none twice, none missed. The clock is shifted
/// a day at a time and the pace scaled up (the lane's logic does not depend on the rate), so it runs in seconds.
/// </summary>
public sealed class SmsBudgetFanoutTests(ITestOutputHelper output)
{
    private const string Token = "123456:SMSBUDGET-token";
    private const int TelegramMembers = 1700, SmsMembers = 300, PerDay = 500, TelegramRate = 400;
    private const long FirstChat = 710_000_000;

    private static string SmsNumber(int i) => "+3361" + (2_000_000 + i).ToString("D7", CultureInfo.InvariantCulture);
    private static string SmsDepartement(int i) => i % 2 == 0 ? "75" : "13";

    [Fact]
    public async Task Telegram_goes_at_channel_speed_and_sms_goes_gravest_first_then_by_departement_carrying_over_what_the_day_cannot_send()
    {
        await using var bot = await FakeTelegramServer.StartAsync(Token, keepCalls: false);
        bot.PerBotPerSecond = TelegramRate;
        // Two warnings reach each chat at once: within the burst our per-conversation pace allows (3, then 1/s).
        bot.PerChatPerSecond = 3;
        var clock = new ShiftedClock();
        await using var t = await AndroidGatewayTestHost.StartAsync(new()
        {
            ["Telegram:BotToken"] = Token,
            ["Telegram:ApiBaseUrl"] = bot.BaseUrl,
            ["Telegram:SecretToken"] = "smsbudget_secret",
            ["Channels:Limits:telegram:PerSecond"] = TelegramRate.ToString(CultureInfo.InvariantCulture),
            ["Channels:Limits:telegram:PerConversationPerSecond"] = "1",
            ["Sms:AndroidGateway:ReservedForReplies"] = "20",
        }, clock, perSecond: 500, perDay: PerDay + 20);

        var chats = Support.TelegramMembers.Join(t.Host.Services, FirstChat, TelegramMembers);
        var members = t.Get<MemberService>();
        for (var i = 0; i < SmsMembers; i++)
        {
            // Discreet (the default): each warning is one neutral SMS segment, so the budget counts messages here.
            Assert.NotNull(members.Join(members.CreateInvite(null, MemberRole.Member), Urns.Sms(SmsNumber(i)), new NewMember("S" + i, "en", SmsDepartement(i), MemberRole.Member, null)));
        }

        // Today's SMS budget is already spent (as after a busy day): both warnings must wait in the SMS lane.
        var budgets = t.Get<ChannelBudgets>();
        budgets.Spend("tel", budgets.Today(), PerDay);

        // A theft warning first, then a rape warning: the second is graver and must overtake the first on SMS.
        var parser = t.Get<IdentifierParser>();
        var profiles = t.Get<ProfileService>();
        foreach (var (number, category) in new[] { ("0611000001", ReportCategories.Theft), ("0611000002", ReportCategories.Rape) })
        {
            var profile = profiles.Attach([parser.Normalize(IdentifierKind.Phone, number)!], null);
            profile.Categories = [category];
            profiles.Update(profile);
        }
        var watch = Stopwatch.StartNew();
        await t.AdminAsync("classify", "0611000001", "very-dangerous");
        await t.AdminAsync("classify", "0611000002", "very-dangerous");

        // Telegram: every member warned twice, at the channel's pace, while not one SMS has gone out.
        try { await Eventually.True(() => bot.ReceivedPerChat.Values.Sum() >= 2 * TelegramMembers, "the Telegram part", 60_000); }
        catch (Xunit.Sdk.XunitException e)
        {
            var problems = t.Logs.Lines.Where(l => l.StartsWith("Warning") || l.StartsWith("Error") || l.Contains("Push warning")).Take(30);
            throw new Xunit.Sdk.XunitException($"{e.Message}; {bot.ReceivedPerChat.Values.Sum()} received, {bot.TooManyRequestsCount} × 429, status:\n{await t.AdminAsync("warnings", "status")}\n{string.Join("\n", problems)}");
        }
        var telegramSeconds = watch.Elapsed.TotalSeconds;
        var minimum = 2.0 * TelegramMembers / TelegramRate;
        output.WriteLine($"Telegram part: {2 * TelegramMembers} warnings in {telegramSeconds:0.0} s ({telegramSeconds / minimum:0.00} × the channel's minimum {minimum:0.0} s); 429s: {bot.TooManyRequestsCount}");
        await Task.Delay(300);
        Assert.All(chats, c => Assert.Equal(2, bot.ReceivedPerChat.GetValueOrDefault(c)));
        Assert.Empty(t.Gateway.Sent);
        var status = await t.AdminAsync("warnings", "status");
        output.WriteLine(status);
        Assert.Equal(2, CountOf(status, $"{TelegramMembers + SmsMembers} members considered, {TelegramMembers + SmsMembers} queued, {TelegramMembers} sent, {SmsMembers} waiting, 0 failed"));
        Assert.Equal(2, CountOf(status, $"SMS: {SmsMembers} waiting in the SMS lane"));
        Assert.Contains($"0 replies and {2 * SmsMembers} warnings/notices waiting: warnings and notices wait for the next day's budget ({PerDay} of {PerDay + 20} SMS sent today", status);

        // Next day: 500 SMS — all 300 rape warnings first, then 200 theft warnings, département 13 before 75.
        clock.Advance(TimeSpan.FromDays(1));
        await Eventually.True(() => t.Gateway.Sent.Count >= PerDay, "the first day's SMS", 30_000);
        await Task.Delay(500);
        // Which fan-out is which: by its profile's category (both may have been created in the same millisecond).
        var fanouts = t.Get<Jasmine.Bots.Alerts.WarningsService>().Fanouts.FindAll().ToList();
        string OriginFor(string category) => Jasmine.Bots.Alerts.WarningsService.OriginOf(fanouts.Single(f => profiles.Get(f.ProfileId)!.Categories.Contains(category)));
        var (theft, rape) = (OriginFor(ReportCategories.Theft), OriginFor(ReportCategories.Rape));
        var outbox = t.Get<OutboxStore>();
        // Which warning an SMS carried: our id given to the gateway names the outbox entry, which keeps its origin.
        string WarningOf(FakeAndroidMessage m) =>
            OutboxStore.TryParseDeliveryRef(m.Id, out var id, out _, out _) && outbox.Find(id) is { Origin: { } origin } ? origin : "?";
        var day1 = t.Gateway.Sent.ToList();
        var twice = day1.GroupBy(m => (m.To, WarningOf(m))).Where(g => g.Count() > 1).Select(g => $"{g.Key} × {g.Count()} ids {string.Join(",", g.Select(m => m.Id))}").ToList();
        Assert.True(twice.Count == 0, "sent twice: " + string.Join("; ", twice) + "\n" + string.Join("\n", t.Logs.Lines.Where(l => l.Contains("tel") || l.Contains("SMS")).Take(20)));
        Assert.True(day1.Count == PerDay, $"{day1.Count} SMS on the first day, {PerDay} allowed: " +
            string.Join(", ", day1.GroupBy(WarningOf).Select(g => $"{(g.Key == rape ? "rape" : g.Key == theft ? "theft" : g.Key)} × {g.Count()}")) +
            $"; budget counted {budgets.Spent("tel", budgets.Today())}\n" + string.Join("\n", t.Logs.Lines.Where(l => l.StartsWith("Warning") || l.StartsWith("Error")).Take(20)));
        Assert.All(day1, m => Assert.Equal(1, Jasmine.Bots.Sms.SmsSegments.Count(m.Text)));
        Assert.All(day1.Take(SmsMembers), m => Assert.Equal(rape, WarningOf(m)));
        Assert.All(day1.Skip(SmsMembers), m => Assert.Equal(theft, WarningOf(m)));
        var departementOf = Enumerable.Range(0, SmsMembers).ToDictionary(SmsNumber, SmsDepartement);
        var theftOrder = day1.Skip(SmsMembers).Select(m => departementOf[m.To]).ToList();
        Assert.Equal(theftOrder.OrderBy(d => d, StringComparer.Ordinal), theftOrder);
        Assert.Equal(SmsMembers, day1.Take(SmsMembers).Select(m => m.To).Distinct().Count());
        status = await t.AdminAsync("warnings", "status");
        Assert.Contains($"SMS: {2 * SmsMembers - PerDay} waiting in the SMS lane", status);
        Assert.Contains($"{2 * SmsMembers - PerDay} warnings/notices waiting: warnings and notices wait for the next day's budget", status);

        // Replies always go first: the budget kept for them answers a woman who writes now, warnings still waiting.
        var writer = SmsNumber(1);
        Assert.Equal([System.Net.HttpStatusCode.OK], await t.Gateway.ReceiveAsync(writer.TrimStart('+'), "0699999990"));
        await Eventually.True(() => t.Gateway.Sent.Count(m => m.To == writer && m.Text.Contains("not signaled", StringComparison.Ordinal)) == 1, "the answer to her");
        Assert.Equal(PerDay + 1, t.Gateway.Sent.Count);

        // The day after: the rest of the theft warnings, and then nothing is left.
        clock.Advance(TimeSpan.FromDays(1));
        await Eventually.True(() => t.Gateway.Sent.Count >= 2 * SmsMembers + 1, "the carried-over SMS", 30_000);
        await Task.Delay(500);
        var all = t.Gateway.Sent.Where(m => !m.Text.Contains("not signaled", StringComparison.Ordinal)).ToList();
        Assert.Equal(2 * SmsMembers, all.Count);
        foreach (var number in departementOf.Keys)
        {
            Assert.Single(all, m => m.To == number && WarningOf(m) == theft);
            Assert.Single(all, m => m.To == number && WarningOf(m) == rape);
        }
        status = await t.AdminAsync("warnings", "status");
        output.WriteLine(status);
        Assert.Equal(2, CountOf(status, $"{TelegramMembers + SmsMembers} queued, {TelegramMembers + SmsMembers} sent, 0 waiting, 0 failed"));
        Assert.Contains("0 replies and 0 warnings/notices waiting", status);
    }

    [Fact]
    public async Task When_warnings_have_spent_their_share_of_the_day_a_link_code_still_goes_out_from_the_reserve()
    {
        await using var t = await AndroidGatewayTestHost.StartAsync(new() { ["Sms:AndroidGateway:ReservedForReplies"] = "5" }, perDay: 10);
        var budgets = t.Get<ChannelBudgets>();
        // Warnings may use 5 of the 10: spent. The reserve is left.
        budgets.Spend("tel", budgets.Today(), 5);

        var chat = t.Factory.Chat("linker");
        await chat.Join(t.NewInvite(), pseudonym: "Nina");
        await chat.Send("/settings");
        await chat.Tap("Add another number");
        await chat.Tap("A number for SMS");
        await chat.Send("06 17 17 17 17");
        chat.Expect("sent a code");
        await Eventually.True(() => t.Gateway.Sent.Any(m => m.To == "+33617171717" && m.Text.StartsWith("Jasmine: your code is ", StringComparison.Ordinal)), "the code by SMS");
        Assert.Contains("of 10 SMS sent today", await t.AdminAsync("sms", "status"));
    }

    [Fact]
    public async Task A_1_she_sends_while_her_warning_still_waits_for_the_budget_does_not_open_a_warning_she_never_saw()
    {
        await using var t = await AndroidGatewayTestHost.StartAsync(new() { ["Sms:AndroidGateway:ReservedForReplies"] = "50" }, perDay: 100);
        const string her = "+33618181818";
        var n = 0;
        foreach (var (send, expect) in new[] { ("JOIN " + t.NewInvite(), "2. English"), ("2", "OK?"), ("yes", ""), ("Mimi", ""), ("13001", "welcome") })
        {
            Assert.Equal([System.Net.HttpStatusCode.OK], await t.Gateway.ReceiveAsync(her.TrimStart('+'), send));
            var expected = ++n;
            await Eventually.True(() => t.Gateway.Sent.Count(m => m.To == her) >= expected, "her join");
            Assert.Contains(expect, t.Gateway.Sent.Where(m => m.To == her).Last().Text);
        }
        var budgets = t.Get<ChannelBudgets>();
        budgets.Spend("tel", budgets.Today(), 50);
        await t.AdminAsync("classify", "0655443300", "very-dangerous");
        await Eventually.True(() => t.Get<OutboxStore>().LaneBacklog("tel").Proactive == 1, "her warning waiting");

        Assert.Equal([System.Net.HttpStatusCode.OK], await t.Gateway.ReceiveAsync(her.TrimStart('+'), "1"));
        await Eventually.True(() => t.Gateway.Sent.Count(m => m.To == her) > n, "an answer to her 1");
        await Task.Delay(300);
        Assert.DoesNotContain(t.Gateway.Sent.Where(m => m.To == her), m => m.Text.Contains("VERY DANGEROUS", StringComparison.Ordinal));
        Assert.Equal(1, t.Get<OutboxStore>().LaneBacklog("tel").Proactive);
    }

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
