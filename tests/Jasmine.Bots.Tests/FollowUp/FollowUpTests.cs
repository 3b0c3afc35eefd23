using Jasmine.Bots.Admin;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.FollowUp;

/// <summary>Severe cases reach a person: routing, escalation, acknowledgement and the relay, through the try-it channel.</summary>
public sealed class FollowUpTests : IDisposable
{
    private readonly JasmineFactory _host = new(new()
    {
        ["Jasmine:FollowUp:Rota:0"] = "try:staff-ana",
        ["Jasmine:FollowUp:Rota:1"] = "try:staff-bea",
        ["Jasmine:FollowUp:AckTimeout"] = "00:00:02",
    });

    public void Dispose() => _host.Dispose();

    private async Task<(Chat Victim, string Reference)> SevereReport(string language = "English")
    {
        var victim = _host.Chat("victim");
        await victim.Join(_host.NewInvite(), language);
        await victim.Send("/report");
        await victim.Send("0611223344");
        await victim.Send("1");
        await victim.Send("2");
        await victim.Send("11");
        await victim.Send("1");
        await victim.Send("Lyon");
        await victim.Send("He hurt me badly near the station");
        await victim.Send("1"); // Done: her story may come in several messages
        await victim.Send("1");
        await victim.Send("1");
        await victim.Send("4");
        victim.Expect(language == "English" ? "Summary" : "Recapitulatif");
        await victim.Send("1");
        victim.Expect(language == "English" ? "will contact you" : "va te contacter");
        var reference = System.Text.RegularExpressions.Regex.Match(victim.LastText, @"R-[A-Z0-9]{4,8}").Value;
        Assert.NotEmpty(reference);
        return (victim, reference);
    }

    [Fact]
    public async Task A_severe_report_with_consent_reaches_the_first_on_call_without_identifiers_or_her_words()
    {
        var (_, reference) = await SevereReport();
        var ana = _host.Chat("staff-ana");
        var notice = Assert.Single(await ana.WaitForInbox());
        Assert.Contains(reference, notice.Text);
        Assert.Contains("viol ou tentative", notice.Text);
        Assert.Contains("Lyon", notice.Text);
        Assert.Contains("par le chat du bot", notice.Text);
        Assert.DoesNotContain("0611223344", notice.Text);
        Assert.DoesNotContain("+33 6 11 22 33 44", notice.Text);
        Assert.DoesNotContain("station", notice.Text);
        Assert.Equal("ack:" + reference, Assert.Single(notice.Choices).Value);
        Assert.Empty(await _host.Chat("staff-bea").Inbox());
    }

    [Fact]
    public async Task Without_acknowledgement_the_case_goes_to_the_next_on_the_rota_then_to_everyone()
    {
        var (_, reference) = await SevereReport();
        var ana = _host.Chat("staff-ana");
        var bea = _host.Chat("staff-bea");
        await ana.WaitForInbox();
        var second = await bea.WaitForInbox(8000);
        Assert.Contains(reference, second[0].Text);
        Assert.Contains("niveau 2", second[0].Text);
        var third = await ana.WaitForInbox(8000);
        Assert.Contains("niveau 3", third[0].Text);
    }

    [Fact]
    public async Task Staff_acknowledge_with_the_button_and_she_is_told_discreetly_that_someone_will_contact_her()
    {
        var (victim, reference) = await SevereReport("Français");
        var ana = _host.Chat("staff-ana");
        await ana.WaitForInbox();
        await ana.Send("ack:" + reference);
        ana.Expect("pris en charge");

        var told = Assert.Single(await victim.WaitForInbox());
        Assert.Equal("Jasmine : tu as un nouveau message.", told.Text);
        await victim.Tap("Afficher");
        victim.Expect("va te contacter");

        var doc = _host.Get<CaseService>().ByReference(reference)!;
        Assert.Equal(CaseStatus.Acknowledged, doc.Status);
        await Task.Delay(2500);
        Assert.DoesNotContain(await _host.Chat("staff-bea").Inbox(), m => m.Text.Contains("niveau 2"));
    }

    [Fact]
    public async Task Staff_and_victim_talk_through_the_bot_without_seeing_each_others_number()
    {
        var (victim, reference) = await SevereReport();
        var ana = _host.Chat("staff-ana");
        await ana.WaitForInbox();
        await ana.Send("ACK " + reference);
        await victim.WaitForInbox();
        await ana.Send($"{reference} Hello, I am Ana from the team. Can I call you tomorrow at 10?");
        ana.Expect("transmis");

        await victim.WaitForInbox();
        await victim.Tap("Show");
        victim.Expect("Can I call you tomorrow");
        Assert.DoesNotContain("staff-ana", victim.LastText);
        await victim.Tap("Reply");
        victim.Expect("Write your message");
        await victim.Send("Yes, 10 is fine");
        victim.Expect("Sent to the team");

        var reply = await ana.WaitForInbox();
        Assert.Contains("Yes, 10 is fine", reply[0].Text);
        Assert.DoesNotContain("victim", reply[0].Text);
    }

    [Fact]
    public async Task The_cli_acknowledges_lists_and_closes_cases()
    {
        var (_, reference) = await SevereReport();
        var output = new StringWriter();
        var admin = _host.Get<AdminCommands>();
        Assert.Equal(0, await admin.RunAsync(["cases", "ack", reference, "--by", "ana"], output, CancellationToken.None));
        Assert.Equal(0, await admin.RunAsync(["cases", "list"], output, CancellationToken.None));
        Assert.Contains("Acknowledged", output.ToString());
        Assert.Equal(0, await admin.RunAsync(["cases", "close", reference, "met", "at", "CeGIDD"], output, CancellationToken.None));
        Assert.Equal(CaseStatus.Closed, _host.Get<CaseService>().ByReference(reference)!.Status);
        Assert.Equal(2, await admin.RunAsync(["cases", "frobnicate"], output, CancellationToken.None));
    }

    [Fact]
    public async Task A_report_without_consent_opens_no_case()
    {
        var chat = _host.Chat("mild");
        await chat.Join(_host.NewInvite());
        foreach (var step in new[] { "/report", "0622334455", "1", "9", "11", "1", "skip", "skip", "2", "1" }) await chat.Send(step);
        chat.Expect("Your report R-");
        await Task.Delay(500);
        Assert.Equal(0, _host.Get<CaseService>().Cases.Count());
        Assert.Empty(await _host.Chat("staff-ana").Inbox());
    }
}
