using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;
using Jasmine.Bots.Tests.Telegram;
using Jasmine.Bots.Wipe;

namespace Jasmine.Bots.Tests.Wipe;

/// <summary>WIPE on Signal, through the real receiver and sender against the fake signal-cli-rest-api.</summary>
public sealed class WipeSignalTests
{
    private static LocaleTexts En => Locales.Load(Path.Combine(Jasmine.Bots.Tests.Conversations.LocaleTests.Root(), "locales"))["en"];

    [Fact]
    public async Task Wipe_remote_deletes_the_bots_messages_and_turns_on_disappearing_messages_only_if_she_agreed()
    {
        await using var signal = await FakeSignalServer.StartAsync();
        using var host = new JasmineFactory(new()
        {
            ["Signal:ApiBaseUrl"] = signal.BaseUrl.ToString(),
            ["Signal:Number"] = signal.Account,
            ["Signal:ReceiveTimeoutSeconds"] = "1",
        });
        _ = host.Services;

        const string agreed = "+33611113001";
        await JoinAsync(host, signal, agreed, disappearing: "1");
        await SayAsync(host, signal, agreed, "06 12 34 56 78");
        var sentBefore = SentTo(signal, agreed);
        Assert.NotEmpty(sentBefore);

        await SayAsync(host, signal, agreed, "WIPE");
        Assert.Contains(En.Get("wipe.done_signal"), signal.SentTo(agreed).Last().Message);
        await Eventually.True(() => signal.ContactUpdatesFor(agreed).Any(), "disappearing messages turned on", 20_000);
        await Eventually.True(() => signal.RemoteDeletionsFor(agreed).Count >= sentBefore.Count, "the deletes went out", 20_000);
        var deleted = signal.RemoteDeletionsFor(agreed).Select(d => d.Timestamp).ToList();
        Assert.Subset(deleted.ToHashSet(), sentBefore.ToHashSet());
        Assert.Empty(deleted.Except(SentTo(signal, agreed)));
        var update = Assert.Single(signal.ContactUpdatesFor(agreed));
        Assert.Equal(WipeService.DisappearingSeconds, update.ExpirationInSeconds);
        Assert.Null(update.Name);

        const string declined = "+33611113002";
        await JoinAsync(host, signal, declined, disappearing: "2");
        await SayAsync(host, signal, declined, "WIPE");
        await Eventually.True(() => host.Get<WipeService>().Pending.Count() == 0, "the wipe is done", 20_000);
        await Eventually.True(() => signal.RemoteDeletionsFor(declined).Count > 0, "her deletes went out", 20_000);
        Assert.Empty(signal.ContactUpdatesFor(declined));
    }

    private static IReadOnlyList<long> SentTo(FakeSignalServer signal, string number) =>
        signal.SentTo(number).Select(s => s.Timestamp).ToList();

    private static async Task JoinAsync(JasmineFactory host, FakeSignalServer signal, string number, string disappearing)
    {
        await SayAsync(host, signal, number, "JOIN " + host.NewInvite());
        await SayAsync(host, signal, number, "lang:en");
        Assert.Contains(En.Get("join.privacy.signal"), signal.SentTo(number).Last().Message);
        await SayAsync(host, signal, number, "1");
        Assert.Contains(En.Get("join.disappearing"), signal.SentTo(number).Last().Message);
        await SayAsync(host, signal, number, disappearing);
        await SayAsync(host, signal, number, "Lili");
        await SayAsync(host, signal, number, "75");
    }

    private static async Task SayAsync(JasmineFactory host, FakeSignalServer signal, string number, string text)
    {
        var before = SentTo(signal, number).Count;
        signal.EnqueueText(number, text);
        var dispatcher = host.Get<OutboxDispatcher>();
        await Eventually.True(() => SentTo(signal, number).Count > before && dispatcher.IsIdle, $"an answer to '{text}'", 20_000);
    }
}
