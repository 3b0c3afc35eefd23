using Jasmine.Bots.Admin;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Signal;

/// <summary>The Signal channel end to end: envelopes polled from a loopback signal-cli-rest-api, replies sent back to it.</summary>
public sealed class SignalEndToEndTests : IAsyncLifetime
{
    private const string Her = "+33622220001";
    private FakeSignalServer _signal = null!;
    private JasmineFactory _host = null!;

    public async Task InitializeAsync()
    {
        _signal = await FakeSignalServer.StartAsync();
        _host = SignalHosts.Start(_signal);
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _signal.DisposeAsync();
    }

    private async Task<string> Say(string text)
    {
        var before = _signal.SentTo(Her).Count;
        _signal.EnqueueText(Her, text);
        var dispatcher = _host.Get<OutboxDispatcher>();
        await Eventually.True(() => _signal.SentTo(Her).Count > before && dispatcher.IsIdle, $"an answer to '{text}'");
        return string.Join("\n---\n", _signal.SentTo(Her).Skip(before).Select(s => s.Message));
    }

    [Fact]
    public async Task A_member_joins_screens_and_files_a_whole_report_with_numbered_answers_on_signal()
    {
        Assert.Contains("2. English", await Say("JOIN " + _host.NewInvite()));
        Assert.Contains("Signal", await Say("2"));
        await Say("1");
        await Say("2");
        await Say("Mira");
        Assert.Contains("welcome", await Say("69003"));

        var output = new StringWriter();
        await _host.Get<AdminCommands>().RunAsync(["classify", "0633445566", "very-dangerous"], output, CancellationToken.None);
        Assert.Contains("+33 6 33 44 55 66: VERY DANGEROUS", await Say("06 33 44 55 66"));

        Assert.Contains("number, e-mail", await Say("/report"));
        Assert.Contains("Noted: +33 6 77 66 55 44", await Say("0677665544"));
        Assert.Contains("What happened", await Say("1"));
        Assert.Contains("Chosen", await Say("7"));
        Assert.Contains("When?", await Say("11"));
        Assert.Contains("Where?", await Say("2"));
        // A location shared from Signal arrives as a maps link.
        Assert.Contains("your own words", await Say("https://maps.google.com/maps?q=45.7578%2C4.8320"));
        await Say("2");
        Assert.Contains("Lyon", await Say("2"));
        Assert.Contains("Your report R-", await Say("1"));
        var report = Assert.Single(_host.Get<JasmineStore>().Reports.FindAll());
        Assert.Equal("69", report.Departement);
        Assert.All(_signal.Sent, s => Assert.Equal(_signal.Account, s.Number));
    }

    [Fact]
    public async Task Receipts_typing_group_messages_and_our_own_number_get_no_answer()
    {
        _signal.EnqueueReceipt(Her, 1);
        _signal.EnqueueTyping(Her);
        _signal.EnqueueGroupText(Her, "group-1", "hello group");
        _signal.EnqueueText(_signal.Account, "talking to myself");
        await Eventually.True(() => _signal.ReceiveCalls >= 3, "a few polls");
        await Task.Delay(300);
        Assert.Empty(_signal.Sent);
        Assert.Contains("JOIN", await Say("hello"));
    }
}
