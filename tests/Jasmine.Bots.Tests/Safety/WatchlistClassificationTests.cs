using Jasmine.Bots.Admin;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Safety;

/// <summary>The watchlist tells her when the team classifies a number she watches, not only when it is reported.</summary>
public sealed class WatchlistClassificationTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    private async Task Admin(params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, await _host.Get<AdminCommands>().RunAsync(args, output, CancellationToken.None));
    }

    [Fact]
    public async Task A_watcher_is_told_discreetly_when_a_watched_number_is_newly_classified_risky()
    {
        var watcher = _host.Chat("watcher");
        await watcher.Join(_host.NewInvite());
        await watcher.Send("0677889911");
        watcher.Expect("not signaled");
        await watcher.Tap("Tell me if he gets reported");
        var other = _host.Chat("other");
        await other.Join(_host.NewInvite());

        await Admin("classify", "0677889911", "risky");

        var notice = Assert.Single(await watcher.WaitForInbox());
        // The lock screen says nothing about him.
        Assert.DoesNotContain("RISKY", notice.Text);
        Assert.DoesNotContain("77 88 99 11", notice.Text);
        await watcher.Tap("Show");
        watcher.Expect("+33 6 77 88 99 11");
        watcher.Expect("now classified RISKY");
        Assert.Empty(await other.Inbox());

        // The same classification again is no news.
        await Admin("classify", "0677889911", "risky");
        await Task.Delay(1000);
        Assert.Empty(await watcher.Inbox());
    }
}
