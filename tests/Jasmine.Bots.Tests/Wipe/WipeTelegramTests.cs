using Jasmine.Bots.Localization;
using Jasmine.Bots.Members;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;
using Jasmine.Bots.Tests.Telegram;
using Jasmine.Bots.Wipe;
using LiteDB;
using Microsoft.Extensions.DependencyInjection;

namespace Jasmine.Bots.Tests.Wipe;

/// <summary>WIPE on Telegram with the real Telegram.Bot client against the fake Bot API.</summary>
public sealed class WipeTelegramTests
{
    private static LocaleTexts En => Locales.Load(Path.Combine(Jasmine.Bots.Tests.Conversations.LocaleTests.Root(), "locales"))["en"];

    [Fact]
    public async Task Wipe_deletes_every_message_of_the_last_48_hours_hers_and_the_bots_and_nothing_older()
    {
        await using var t = await TelegramTestHost.StartAsync();
        var her = new TelegramChat(t.Host, t.Bot, 777_001, firstMessageId: 90_000);
        await her.Say("/start " + t.Host.NewInvite());
        await her.Tap("English");
        Assert.Contains(En.Get("join.privacy.telegram"), her.LastText);
        await her.Tap("Yes");
        await her.Say("Lili");
        await her.Say("75");
        await her.Say("06 12 34 56 78");
        Assert.Contains(En.Get("wipe.button"), string.Join('|', t.Bot.MessagesTo(her.ChatId).Last().Buttons.Select(b => b.Label)));
        await her.Tap("Report an");
        await her.Say("06 98 76 54 32");

        // Kept from before this test's messages: one entry just inside 48 hours, one just outside, and enough
        // recent ones that the deletion needs more than one call of 100 ids.
        var ledger = t.Host.Get<WipeLedger>();
        var urn = Urns.Telegram(her.ChatId);
        var now = DateTimeOffset.UtcNow;
        ledger.Record(urn, WipeSide.Bot, "999", now.AddHours(-49));
        ledger.Record(urn, WipeSide.Bot, "888", now.AddHours(-47));
        var earlier = Enumerable.Range(10_000, 150).ToList();
        foreach (var id in earlier) ledger.Record(urn, WipeSide.Hers, id.ToString(System.Globalization.CultureInfo.InvariantCulture), now.AddHours(-2));
        var botBefore = her.BotMessageIds;

        await her.Say("WIPE");
        Assert.Equal(En.Get("wipe.done"), her.LastText);

        var expected = her.HerMessageIds.Concat(botBefore).Concat(earlier).Append(888).ToHashSet();
        var deleted = await her.WaitForDeletionsAsync(expected);
        Assert.DoesNotContain(999, deleted);
        // Only what was asked for: at most the short confirmation sent after WIPE may come on top.
        var confirmation = her.BotMessageIds.Except(botBefore);
        Assert.Empty(deleted.Except(expected).Except(confirmation));
        Assert.True(t.Bot.CallsTo("deleteMessages").Count >= (expected.Count + 99) / 100, "at most 100 ids per call");

        // The ledger forgets what it held, her account and her report draft's absence aside, she is still a member.
        await Eventually.True(() => t.Host.Get<WipeService>().Pending.Count() == 0, "the wipe is done");
        Assert.Empty(ledger.Recent(urn, now.UtcDateTime.AddMinutes(-1)));
        Assert.NotNull(t.Host.Get<MemberService>().FindByAddress(urn));
    }

    [Fact]
    public async Task The_ten_minute_wipe_after_a_report_survives_a_restart()
    {
        await using var bot = await FakeTelegramServer.StartAsync(TelegramTestHost.Token);
        var directory = Path.Combine(Path.GetTempPath(), "jasmine-tests", Guid.NewGuid().ToString("N"));
        try
        {
            TelegramChat her;
            using (var first = new JasmineFactory(TelegramChat.Settings(bot), directory))
            {
                her = new TelegramChat(first, bot, 777_002, firstMessageId: 60_000);
                await her.Say("/start " + first.NewInvite());
                await her.Tap("English");
                await her.Tap("Yes");
                await her.Say("Lili");
                await her.Say("75");
                await her.Tap("Report an");
                await her.Say("06 98 76 54 32");
                await her.Tap("Yes, that");
                await her.Tap("theft");
                await her.Tap("Confirm");
                await her.Tap("Today");
                await her.Tap("Skip");
                await her.Tap("Skip");
                await her.Tap("No thanks");
                await her.Tap("Send");
                Assert.Contains(En.Get("wipe.offer"), her.LastText);
                await her.Tap(En.Get("wipe.later"));
                Assert.Equal(En.Get("wipe.later_done"), her.LastText);
                Assert.Equal(1, first.Get<WipeService>().Pending.Count());
            }
            Assert.Empty(bot.CallsTo("deleteMessages"));

            // The ten minutes pass while the service is down: it comes back eleven minutes later by its clock.
            var later = new Sms.ShiftedClock();
            later.Advance(TimeSpan.FromMinutes(11));
            using var second = new JasmineFactory(TelegramChat.Settings(bot), directory, services: s => s.AddSingleton<TimeProvider>(later));
            _ = second.Services;
            var everything = her.HerMessageIds.Concat(her.BotMessageIds).ToHashSet();
            var deleted = await her.WaitForDeletionsAsync(everything);
            Assert.Empty(deleted.Except(everything));
            await Eventually.True(() => second.Get<WipeService>().Pending.Count() == 0, "the wipe is done");
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
