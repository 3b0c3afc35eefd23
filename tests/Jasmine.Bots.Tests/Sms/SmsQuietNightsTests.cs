using System.Net;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Sms;

/// <summary>Quiet nights: her choice, in settings, that warnings by SMS wait for 08:00; answers to her never wait.</summary>
public sealed class SmsQuietNightsTests
{
    [Theory]
    [InlineData("2026-12-01T20:59:00Z", false)] // 21:59 in Paris (winter, UTC+1)
    [InlineData("2026-12-01T21:00:00Z", true)]  // 22:00
    [InlineData("2026-12-01T21:59:00Z", true)]
    [InlineData("2026-12-02T02:00:00Z", true)]
    [InlineData("2026-12-02T06:59:00Z", true)]
    [InlineData("2026-12-02T07:00:00Z", false)]
    [InlineData("2026-07-01T20:30:00Z", true)]  // 22:30 in summer (UTC+2)
    [InlineData("2026-07-01T19:30:00Z", false)]
    public void A_quiet_night_runs_from_22_to_8_paris_time(string utc, bool quiet)
    {
        var at = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);
        var until = ChannelBudgets.QuietUntil(at);
        Assert.Equal(quiet, until is not null);
        if (until is { } wait) Assert.Equal(8, TimeZoneInfo.ConvertTime(at + wait, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).Hour);
    }

    [Fact]
    public async Task She_chooses_quiet_nights_in_settings_and_the_warning_waits_for_the_morning_while_replies_and_others_do_not()
    {
        var clock = new ShiftedClock();
        // 23:30 in Paris tonight.
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var local = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), paris);
        var target = new DateTimeOffset(local.Date.AddHours(23.5), paris.GetUtcOffset(local.Date.AddHours(23.5)));
        clock.Advance(target - clock.GetUtcNow());
        await using var t = await AndroidGatewayTestHost.StartAsync(clock: clock);

        var quiet = await JoinAsync(t, "+33611110001");
        var other = await JoinAsync(t, "+33611110002");

        // SETTINGS, "Quiet nights (SMS)", "Not at night": replies come at once, at 23:30.
        await SayAsync(t, "+33611110001", "SETTINGS");
        var menu = await NextAsync(t, "+33611110001", ++quiet);
        var number = menu.Split('\n').First(l => l.Contains("Quiet nights", StringComparison.Ordinal)).Split('.')[0].Trim();
        await SayAsync(t, "+33611110001", number);
        Assert.Contains("wait until morning", await NextAsync(t, "+33611110001", ++quiet));
        await SayAsync(t, "+33611110001", "1");
        Assert.Contains("Saved.", await NextAsync(t, "+33611110001", ++quiet));
        await Eventually.True(() => t.Get<Jasmine.Bots.Members.MemberService>().FindByAddress("tel:+33611110001")!.QuietNights, "her choice saved");

        await t.AdminAsync("classify", "0655443311", "very-dangerous");
        // The other member (no quiet nights) is warned now; she is not.
        Assert.StartsWith("Jasmine: you have a new message.", await NextAsync(t, "+33611110002", ++other));
        await Task.Delay(1500);
        Assert.Equal(quiet, SentTo(t, "+33611110001"));
        Assert.Contains("wait for the end of their quiet night", await t.AdminAsync("sms", "status"));

        // She writes at night (still in the settings menu): answered at once, and the warning still waits.
        await SayAsync(t, "+33611110001", "hello");
        Assert.DoesNotContain("new message", await NextAsync(t, "+33611110001", ++quiet));
        await Task.Delay(500);
        Assert.Equal(quiet, SentTo(t, "+33611110001"));

        // 08:00: the warning goes.
        clock.Advance(TimeSpan.FromHours(8.6));
        Assert.StartsWith("Jasmine: you have a new message.", await NextAsync(t, "+33611110001", ++quiet));
    }

    private static async Task<int> JoinAsync(AndroidGatewayTestHost t, string e164)
    {
        var n = 0;
        foreach (var (send, expect) in new[] { ("JOIN " + t.NewInvite(), "2. English"), ("2", "OK?"), ("yes", ""), ("Mimi", ""), ("13001", "welcome") })
        {
            await SayAsync(t, e164, send);
            Assert.Contains(expect, await NextAsync(t, e164, ++n));
        }
        return n;
    }

    private static async Task SayAsync(AndroidGatewayTestHost t, string e164, string text) =>
        Assert.Equal([HttpStatusCode.OK], await t.Gateway.ReceiveAsync(e164.TrimStart('+'), text));

    private static async Task<string> NextAsync(AndroidGatewayTestHost t, string e164, int count)
    {
        await Eventually.True(() => SentTo(t, e164) >= count, $"{count} SMS to {e164[^4..]}");
        return t.Gateway.Sent.Where(m => m.To == e164).ElementAt(count - 1).Text;
    }

    private static int SentTo(AndroidGatewayTestHost t, string e164) => t.Gateway.Sent.Count(m => m.To == e164);
}
