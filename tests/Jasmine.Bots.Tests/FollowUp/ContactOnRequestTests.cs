using System.Text.RegularExpressions;
using Jasmine.Bots.Admin;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Staff;
using Jasmine.Bots.Tests.Staff;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.FollowUp;

/// <summary>Every report with consent to contact opens a case, whatever happened; the way she asked for is what staff see.</summary>
public static class ReportSteps
{
    /// <summary>
    /// A whole report through the chat. <paramref name="categories"/> are the numbers of the category menu; "sms:&lt;number&gt;",
    /// "chat" or null for no contact; <paramref name="when"/> "1" for today, or a date as she would type it.
    /// </summary>
    public static async Task<string> FileAsync(Chat chat, string identifier, string[] categories, string? contact, string town = "Lyon", string when = "1")
    {
        await chat.Send("/report");
        await chat.Send(identifier);
        await chat.Send("1");
        foreach (var c in categories) await chat.Send(c);
        await chat.Send("11");
        await chat.Send(when);
        await chat.Send(town);
        await chat.Send("skip");
        if (contact is null) await chat.Send("2");
        else
        {
            await chat.Send("1");
            if (contact.StartsWith("sms:", StringComparison.Ordinal))
            {
                await chat.Send("2");
                await chat.Send(contact[4..]);
            }
            else await chat.Send("1");
            await chat.Send("3");
        }
        await chat.Send("1");
        var reference = Regex.Match(chat.LastText, @"R-[A-Z0-9]{4,8}").Value;
        Assert.False(string.IsNullOrEmpty(reference), "no reference in: " + chat.LastText);
        return reference;
    }
}

public sealed class ContactOnRequestTests : IDisposable
{
    private readonly JasmineFactory _host = new(new()
    {
        ["Jasmine:FollowUp:Rota:0"] = "try:staff-ana",
        ["Jasmine:FollowUp:Rota:1"] = "try:staff-bea",
        ["Jasmine:FollowUp:Admins:0"] = "try:admin-zoe",
        ["Jasmine:FollowUp:AckTimeout"] = "00:00:01",
    });

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task A_beating_and_a_theft_with_sms_contact_open_a_normal_case_for_the_first_on_call_that_is_not_escalated()
    {
        var victim = _host.Chat("victim");
        await victim.Join(_host.NewInvite());
        var reference = await ReportSteps.FileAsync(victim, "0622334455", ["5", "7"], "sms:0698765432");
        victim.Expect("will contact you as you asked");
        Assert.DoesNotContain("Nobody is on call", victim.LastText);

        var doc = _host.Get<CaseService>().ByReference(reference)!;
        Assert.False(doc.Severe);
        Assert.False(doc.Queued);
        Assert.Equal("tel", doc.ContactWay);
        Assert.Equal("tel:+33698765432", _host.Get<CaseService>().Contact(doc));
        var notice = Assert.Single(await _host.Chat("staff-ana").WaitForInbox());
        Assert.Contains("priorite normale", notice.Text);
        Assert.Contains("English (en)", notice.Text);
        Assert.Contains("+33698765432", notice.Text);
        // Not urgent: nobody else is woken up, even after the acknowledgement time has long passed.
        await Task.Delay(3000);
        Assert.Empty(await _host.Chat("staff-bea").Inbox());
        Assert.Empty(await _host.Chat("admin-zoe").Inbox());
    }

    [Fact]
    public async Task A_severe_case_nobody_takes_reaches_the_admins_after_the_whole_rota()
    {
        var victim = _host.Chat("victim");
        await victim.Join(_host.NewInvite());
        var reference = await ReportSteps.FileAsync(victim, "0622334455", ["2"], "chat");
        var zoe = await _host.Chat("admin-zoe").WaitForInbox(15_000);
        Assert.Contains(reference, zoe[0].Text);
        Assert.Contains("priorite urgente", zoe[0].Text);
    }

    [Fact]
    public async Task Without_consent_no_case_is_opened()
    {
        var chat = _host.Chat("mild");
        await chat.Join(_host.NewInvite());
        await ReportSteps.FileAsync(chat, "0622334455", ["9"], null);
        chat.Expect("Your report R-");
        Assert.Equal(0, _host.Get<CaseService>().Cases.Count());
    }

    [Fact]
    public async Task Listing_commands_say_when_there_is_nothing_to_list()
    {
        var output = new StringWriter();
        var admin = _host.Get<AdminCommands>();
        Assert.Equal(0, await admin.RunAsync(["cases", "list"], output, CancellationToken.None));
        Assert.Contains("No cases.", output.ToString());
        Assert.Equal(0, await admin.RunAsync(["warnings", "status"], output, CancellationToken.None));
        Assert.Contains("No push warnings.", output.ToString());

        var victim = _host.Chat("victim");
        await victim.Join(_host.NewInvite());
        var reference = await ReportSteps.FileAsync(victim, "0622334455", ["8"], "sms:0698765432");
        output = new StringWriter();
        await admin.RunAsync(["cases", "list"], output, CancellationToken.None);
        Assert.Contains(reference, output.ToString());
        Assert.Contains("contact tel", output.ToString());
        Assert.Contains("language en", output.ToString());
        Assert.DoesNotContain("No cases.", output.ToString());
        Assert.DoesNotContain("98 76 54 32", output.ToString());
    }

    [Fact]
    public async Task Ready_made_phrases_go_out_in_her_language_and_her_answer_is_labelled_with_it()
    {
        var victim = _host.Chat("ioana");
        await victim.Join(_host.NewInvite(), "Română");
        var reference = await ReportSteps.FileAsync(victim, "0622334455", ["7"], "chat");
        await _host.Chat("staff-ana").WaitForInbox();
        var fatou = await StaffClient.SignedInAsync(_host, "fatou", StaffRole.FollowUp);

        var page = await fatou.GetPageAsync($"/staff/cases/case/{reference}");
        Assert.Contains("Română (ro)", page);
        Assert.Contains("Ești în siguranță acum?", page);
        var sent = await fatou.PostAndFollowAsync($"/staff/cases/case/{reference}?handler=Phrase", new() { ["phrase"] = "safe" }, $"/staff/cases/case/{reference}");
        Assert.Contains("Message queued for her", sent.Replace("Message en file d'envoi pour elle", "Message queued for her"));

        await victim.WaitForInbox();
        await victim.Tap("Arată");
        victim.Expect("Ești în siguranță acum?");
        await victim.Tap("Răspunde");
        await victim.Send("Da, sunt bine");

        page = await fatou.GetPageAsync($"/staff/cases/case/{reference}");
        Assert.Contains("Da, sunt bine", page);
        Assert.Matches(@"(in|en) Română \(ro\)", page);
        Assert.Contains(_host.Get<AuditLog>().Latest(50), e => e.Action == "case.relay.phrase.safe" && e.Object == reference && e.Who == "fatou");

        // Moderators do not hold cases.
        var moira = await StaffClient.SignedInAsync(_host, "moira", StaffRole.Moderator);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await moira.Http.GetAsync($"/staff/cases/case/{reference}")).StatusCode);
        Assert.DoesNotContain(_host.Get<AuditLog>().Latest(50), e => e.Who == "moira" && e.Action.StartsWith("case.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_report_page_shows_the_request_to_moderators_and_the_number_to_follow_up_staff_only_with_an_audit_entry()
    {
        var victim = _host.Chat("victim");
        await victim.Join(_host.NewInvite());
        var reference = await ReportSteps.FileAsync(victim, "0622334455", ["5"], "sms:0698765432");

        var moira = await StaffClient.SignedInAsync(_host, "moira", StaffRole.Moderator);
        var page = await moira.GetPageAsync($"/staff/review/report/{reference}");
        Assert.Matches("(phone call or SMS|appel ou SMS)", page);
        Assert.DoesNotContain("98 76 54 32", page);
        Assert.DoesNotContain("handler=Contact", page);
        var refused = await moira.PostFormAsync($"/staff/review/report/{reference}?handler=Contact", new(), $"/staff/review/report/{reference}");
        Assert.NotEqual(System.Net.HttpStatusCode.OK, refused.StatusCode);

        var ada = await StaffClient.SignedInAsync(_host, "ada", StaffRole.Admin);
        var shown = await ada.PostAndFollowAsync($"/staff/review/report/{reference}?handler=Contact", new(), $"/staff/review/report/{reference}");
        Assert.Contains("+33 6 98 76 54 32", shown);
        var audit = _host.Get<AuditLog>().Latest(50);
        Assert.Contains(audit, e => e.Who == "ada" && e.Action == "report.contact_shown" && e.Object == reference);
        Assert.DoesNotContain(audit, e => e.Who == "moira" && e.Action == "report.contact_shown");
        Assert.DoesNotContain(audit, e => (e.Object ?? "").Contains("98765432"));
    }
}

/// <summary>Nobody on call: the case waits first on the console, the admins are told, and she is told honestly when to expect contact.</summary>
public sealed class NobodyOnCallTests : IDisposable
{
    private readonly JasmineFactory _host = new(new() { ["Jasmine:FollowUp:Admins:0"] = "try:admin-zoe" });

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task The_case_is_queued_the_admins_are_told_and_she_learns_office_hours_and_the_national_line()
    {
        var victim = _host.Chat("victim");
        await victim.Join(_host.NewInvite());
        var reference = await ReportSteps.FileAsync(victim, "0622334455", ["5"], "chat");
        victim.Expect("Someone from the team will contact you as you asked.");
        victim.Expect("Nobody is on call right now");
        victim.Expect("Monday to Friday");
        victim.Expect("3919");

        Assert.True(_host.Get<CaseService>().ByReference(reference)!.Queued);
        var zoe = Assert.Single(await _host.Chat("admin-zoe").WaitForInbox());
        Assert.Contains("Personne d'astreinte", zoe.Text);
        Assert.Contains(reference, zoe.Text);

        var fatou = await StaffClient.SignedInAsync(_host, "fatou", StaffRole.FollowUp);
        var home = await fatou.GetPageAsync("/staff");
        Assert.Contains("id=\"queued-cases\"", home);
        Assert.Contains(reference, home);
        Assert.True(home.IndexOf("queued-cases", StringComparison.Ordinal) < home.IndexOf("class=\"grid cards\"", StringComparison.Ordinal));
    }
}
