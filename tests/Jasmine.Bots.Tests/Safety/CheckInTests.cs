using Jasmine.Bots.Jobs;
using Jasmine.Bots.Safety;
using Jasmine.Bots.Tests.Support;
using Jasmine.Bots.Tests.Transcripts;
using Microsoft.Extensions.DependencyInjection;

namespace Jasmine.Bots.Tests.Safety;

/// <summary>
/// Booking check-ins on the real host, the real Hangfire job and a test clock: silence or the duress word reach the
/// on-call staff (and only them), an OK sends nothing and is erased a day later.
/// </summary>
public sealed class CheckInTests : IDisposable
{
    private readonly TranscriptClock _clock = new(new DateTimeOffset(2026, 6, 10, 18, 0, 0, TimeSpan.Zero));
    private readonly string _data = Path.Combine(Path.GetTempPath(), "jasmine-tests", "checkin-" + Guid.NewGuid().ToString("N"));
    private JasmineFactory _host;

    public CheckInTests() => _host = NewHost();

    private JasmineFactory NewHost() => new(new()
    {
        ["Jasmine:FollowUp:Rota:0"] = "try:staff-ana",
        // The job looks at the (test) clock every second instead of every minute.
        ["Jasmine:CheckIn:Poll"] = "00:00:01",
    }, _data, services: s => s.AddSingleton<TimeProvider>(_clock));

    public void Dispose()
    {
        _host.Dispose();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private async Task<Chat> Member(string name)
    {
        var chat = _host.Chat(name);
        await chat.Join(_host.NewInvite());
        return chat;
    }

    private static async Task NothingFor(Chat chat, int ms = 2500)
    {
        await Task.Delay(ms);
        Assert.Empty(await chat.Inbox());
    }

    [Fact]
    public async Task A_missed_check_in_alerts_the_on_call_staff_with_the_client_screened_again_within_a_minute_of_the_grace()
    {
        var her = await Member("lea");
        var other = await Member("worker-friend");
        await her.Send("CHECKIN 60");
        her.Expect("his number");
        await her.Send("06 11 22 33 44");
        her.Expect("Where will you be");
        await her.Send("Hotel du Port, room 12");
        her.Expect("reach you");
        await her.Tap("Here");
        her.Expect("At 21:00");

        var ana = _host.Chat("staff-ana");
        _clock.Advance(TimeSpan.FromMinutes(60));
        var prompt = Assert.Single(await her.WaitForInbox(10_000));
        Assert.Equal("Jasmine: all good?", prompt.Text);
        // Nothing about him or the place on her lock screen, and nothing for the staff yet.
        Assert.DoesNotContain("Hotel", prompt.Text);
        _clock.Advance(TimeSpan.FromMinutes(14));
        await NothingFor(ana);

        _clock.Advance(TimeSpan.FromMinutes(1));
        var alert = Assert.Single(await ana.WaitForInbox(10_000));
        Assert.Contains("sans reponse", alert.Text);
        Assert.Contains("Lili", alert.Text);
        Assert.Contains("33 6 11 22 33 44", alert.Text);
        Assert.Contains("pas signale", alert.Text);
        Assert.Contains("Hotel du Port, room 12", alert.Text);
        Assert.Contains("par le chat du bot", alert.Text);
        // Never another worker: only the rota hears of it.
        Assert.Empty(await other.Inbox());
    }

    [Fact]
    public async Task The_duress_word_answers_like_OK_and_alerts_the_on_call_staff()
    {
        var her = await Member("mia");
        await her.Send("/settings");
        await her.Tap("Check-in");
        her.Expect("which word");
        await her.Tap("Keep OK");
        her.Expect("Duress word");
        await her.Send("pineapple");
        her.Expect("Saved");

        await her.Send("checkin 30");
        await her.Tap("Skip");
        await her.Tap("Skip");
        await her.Tap("Skip");
        her.Expect("Noted");
        _clock.Advance(TimeSpan.FromMinutes(30));
        await her.WaitForInbox(10_000);

        var reply = Assert.Single(await her.Send("Pineapple"));
        Assert.Equal("Thanks, noted. Take care!", reply.Text);
        var alert = Assert.Single(await _host.Chat("staff-ana").WaitForInbox(10_000));
        Assert.Contains("MOT DE DETRESSE", alert.Text);
        Assert.DoesNotContain("pineapple", alert.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_OK_sends_nothing_to_anyone_and_the_check_in_is_erased_a_day_later()
    {
        var her = await Member("zoe");
        await her.Send("CHECKIN");
        her.Expect("how many minutes");
        await her.Send("45");
        await her.Send("AB-123-CD");
        await her.Send("Marseille");
        await her.Send("+33 6 99 88 77 66");
        her.Expect("Noted");

        _clock.Advance(TimeSpan.FromMinutes(45));
        var prompt = Assert.Single(await her.WaitForInbox(10_000));
        await her.Send(prompt.Choices.Single(c => c.Label == "OK").Value);
        her.Expect("Thanks, noted");
        _clock.Advance(TimeSpan.FromMinutes(20));
        await NothingFor(_host.Chat("staff-ana"));
        await NothingFor(her, 0);

        var store = _host.Get<CheckInStore>();
        Assert.Equal(1, store.Count());
        _clock.Advance(TimeSpan.FromHours(23));
        _host.Services.GetRequiredService<RetentionJob>().Run();
        Assert.Equal(1, store.Count());
        _clock.Advance(TimeSpan.FromHours(2));
        _host.Services.GetRequiredService<RetentionJob>().Run();
        Assert.Equal(0, store.Count());
    }

    [Fact]
    public async Task A_check_in_survives_a_restart_and_a_numbered_answer_closes_it()
    {
        var her = await Member("nina");
        await her.Send("CHECKIN 1h30");
        await her.Tap("Skip");
        await her.Tap("Skip");
        await her.Tap("Skip");
        her.Expect("Noted");
        // The host stops before the time: the in-memory job queue is gone, the store is not.
        _host.Dispose();
        _host = NewHost();
        her = _host.Chat("nina");
        _clock.Advance(TimeSpan.FromMinutes(90));
        Assert.Single(await her.WaitForInbox(10_000));
        await her.Send("1");
        her.Expect("Thanks, noted");
        _clock.Advance(TimeSpan.FromMinutes(16));
        await NothingFor(_host.Chat("staff-ana"));
    }
}
