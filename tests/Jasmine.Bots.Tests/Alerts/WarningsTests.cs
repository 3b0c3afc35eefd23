using Jasmine.Bots.Admin;
using Jasmine.Bots.Alerts;
using Jasmine.Bots.Jobs;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jasmine.Bots.Tests.Alerts;

public sealed class WarningsTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    private async Task<string> Admin(params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, await _host.Get<AdminCommands>().RunAsync(args, output, CancellationToken.None));
        return output.ToString();
    }

    [Fact]
    public async Task A_very_dangerous_classification_warns_members_discreetly_by_their_area_choice()
    {
        var paris = _host.Chat("paris");
        await paris.Join(_host.NewInvite(), area: "75");
        var marseille = _host.Chat("marseille");
        await marseille.Join(_host.NewInvite(), area: "13");
        var everywhere = _host.Chat("everywhere");
        await everywhere.Join(_host.NewInvite(), area: "13");
        await everywhere.Send("/settings");
        await everywhere.Tap("Alerts");
        await everywhere.Tap("All of France");
        var nothing = _host.Chat("nothing");
        await nothing.Join(_host.NewInvite(), area: "75");
        await nothing.Send("/settings");
        await nothing.Tap("Alerts");
        await nothing.Tap("None");

        // A report from Paris gives the profile its département.
        var reporter = _host.Chat("reporter");
        await reporter.Join(_host.NewInvite(), area: "75");
        foreach (var step in new[] { "/report", "0655443322", "1", "5", "11", "1", "75011", "skip", "2", "1" }) await reporter.Send(step);
        reporter.Expect("Your report R-");
        await Admin("classify", "0655443322", "very-dangerous");

        var warned = Assert.Single(await paris.WaitForInbox());
        Assert.Equal("Jasmine: you have a new message.", warned.Text);
        await paris.Tap("Show");
        paris.Expect("+33 6 55 44 33 22");
        paris.Expect("VERY DANGEROUS");
        Assert.Single(await everywhere.WaitForInbox());
        await Task.Delay(500);
        Assert.Empty(await marseille.Inbox());
        Assert.Empty(await nothing.Inbox());
        Assert.Contains("Done", await Admin("warnings", "status"));
    }

    [Fact]
    public async Task In_direct_mode_the_details_follow_the_neutral_line_and_one_works_as_show_on_sms_like_channels()
    {
        var direct = _host.Chat("direct");
        await direct.Join(_host.NewInvite());
        await direct.Send("/settings");
        await direct.Tap("Discreet / direct");
        await direct.Tap("Direct");
        var discreet = _host.Chat("discreet");
        await discreet.Join(_host.NewInvite());
        await Admin("classify", "AB-123-CD", "very-dangerous");

        var message = Assert.Single(await direct.WaitForInbox());
        Assert.StartsWith("Jasmine: you have a new message.\n\nALERT", message.Text);
        Assert.Contains("AB-123-CD", message.Text);

        var neutral = Assert.Single(await discreet.WaitForInbox());
        Assert.DoesNotContain("AB-123-CD", neutral.Text);
        await discreet.Send("1");
        discreet.Expect("AB-123-CD");
        await discreet.Send("SHOW");
        discreet.Expect("No new message");
    }

    [Fact]
    public async Task A_member_who_asked_to_watch_a_number_is_warned_when_it_gets_reported()
    {
        var watcher = _host.Chat("watcher");
        await watcher.Join(_host.NewInvite());
        await watcher.Send("0677889900");
        watcher.Expect("not signaled");
        await watcher.Tap("Tell me if he gets reported");
        watcher.Expect("30 days");

        var reporter = _host.Chat("reporter");
        await reporter.Join(_host.NewInvite());
        foreach (var step in new[] { "/report", "06 77 88 99 00", "1", "8", "11", "1", "skip", "skip", "2", "1" }) await reporter.Send(step);
        reporter.Expect("Your report R-");

        Assert.Single(await watcher.WaitForInbox());
        await watcher.Tap("Show");
        watcher.Expect("+33 6 77 88 99 00");
        watcher.Expect("harassment");
        Assert.Empty(await reporter.Inbox());
    }

    [Fact]
    public async Task Retention_erases_idle_conversations_and_unfinished_reports_but_keeps_members()
    {
        using var host = new JasmineFactory(new()
        {
            ["Jasmine:Retention:ConversationIdleDays"] = "0",
            ["Jasmine:Retention:UnconfirmedReportHours"] = "0",
        });
        var chat = host.Chat("forgetful");
        await chat.Join(host.NewInvite());
        await chat.Send("0611111111");
        await chat.Send("/report");
        await chat.Send("0622222222");
        var store = host.Get<JasmineStore>();
        Assert.True(store.Conversations.Count() > 0);
        await Task.Delay(50);
        host.Services.GetRequiredService<RetentionJob>().Run();
        Assert.Equal(0, store.Conversations.Count());
        Assert.Equal(1, store.Members.Count());
    }
}
