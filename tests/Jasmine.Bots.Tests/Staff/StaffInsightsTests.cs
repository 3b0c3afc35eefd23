using System.Net;
using System.Text.RegularExpressions;
using Jasmine.Bots.Domain;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Staff;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Staff;

/// <summary>Review states and filters, repeat offenders, partial search: each through the console, with its role and its audit entry.</summary>
public sealed class StaffInsightsTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task A_classified_report_leaves_the_queue_as_classified_and_the_filters_narrow_the_queue()
    {
        var severe = StaffData.Report(_host, "0644556677", [ReportCategories.Rape], departement: "13");
        var mild = StaffData.Report(_host, "0655667788", [ReportCategories.Theft, ReportCategories.Assault], departement: "75");
        var moira = await StaffClient.SignedInAsync(_host, "moira", StaffRole.Moderator);

        var home = await moira.GetPageAsync("/staff");
        Assert.Matches(@"id=""to-review"">2 ", home);
        var queue = await moira.GetPageAsync("/staff/review");
        Assert.Contains(severe.Reference, queue);
        Assert.Contains(mild.Reference, queue);
        // Human labels for every category, never the stored codes.
        Assert.Contains("vol", queue);
        Assert.DoesNotContain(">theft<", queue);
        Assert.DoesNotContain(">assault<", queue);

        var filtered = await moira.GetPageAsync("/staff/review?severe=true");
        Assert.Contains(severe.Reference, filtered);
        Assert.DoesNotContain(mild.Reference, filtered);
        filtered = await moira.GetPageAsync("/staff/review?departement=75");
        Assert.DoesNotContain(severe.Reference, filtered);
        Assert.Contains(mild.Reference, filtered);
        var month = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(mild.Reference, await moira.GetPageAsync($"/staff/review?month={month}"));
        Assert.DoesNotContain(mild.Reference, await moira.GetPageAsync("/staff/review?month=2001-01"));

        await moira.PostAndFollowAsync($"/staff/review/report/{mild.Reference}?handler=Classify", new() { ["classification"] = "risky" }, $"/staff/review/report/{mild.Reference}");
        Assert.DoesNotContain(mild.Reference, await moira.GetPageAsync("/staff/review"));
        var all = await moira.GetPageAsync("/staff/review?show=all");
        Assert.Matches($@"{mild.Reference}</a>.*?</th>\s*<td><span class=""tag state-classified"">", Regex.Replace(all, @"\s+", " "));
        Assert.Contains("state-new", all);
        Assert.Contains("state-classified", await moira.GetPageAsync($"/staff/review/report/{mild.Reference}"));
        Assert.Matches(@"id=""to-review"">1 ", await moira.GetPageAsync("/staff"));
        Assert.Contains(_host.Get<AuditLog>().Latest(20), e => e.Who == "moira" && e.Action == "profile.classify.risky");
        Assert.True(_host.Get<Jasmine.Bots.Reports.ReportService>().FindByReference(mild.Reference)!.Reviewed);
    }

    [Fact]
    public async Task A_second_member_reporting_the_same_number_flags_the_profile_and_both_are_offered_support_without_seeing_each_other()
    {
        var first = await StaffData.MemberAsync(_host, "first");
        var second = await StaffData.MemberAsync(_host, "second");
        var one = StaffData.Report(_host, "0611223344", [ReportCategories.Theft], reporterId: first, wantsContact: true);
        // The same member again is not a second, independent report.
        StaffData.Report(_host, "0611223344", [ReportCategories.Theft], reporterId: first, wantsContact: false);
        Assert.Null(_host.Get<RepeatOffenders>().Of(one.ProfileId));

        var two = StaffData.Report(_host, "06 11 22 33 44", [ReportCategories.Assault], reporterId: second, wantsContact: true);
        Assert.Equal(one.ProfileId, two.ProfileId);
        Assert.Equal(2, _host.Get<RepeatOffenders>().Of(one.ProfileId)!.Reporters);

        foreach (var (from, own, other) in new[] { ("first", one.Reference, two.Reference), ("second", two.Reference, one.Reference) })
        {
            var chat = _host.Chat(from);
            await chat.WaitForInbox();
            var shown = await chat.Tap("Show");
            var text = string.Join("\n", shown.Select(m => m.Text));
            Assert.Contains("Another member has also reported this person", text);
            Assert.DoesNotContain(other, text);
            Assert.DoesNotContain("Lili", text);
        }

        var moira = await StaffClient.SignedInAsync(_host, "moira", StaffRole.Moderator);
        Assert.Contains("id=\"flagged\"", await moira.GetPageAsync("/staff"));
        Assert.Matches("(reported by|signalé par) 2 ", await moira.GetPageAsync($"/staff/profiles/profile/{one.ProfileId}"));
        Assert.Matches("(reported by|signalé par) 2 ", await moira.GetPageAsync($"/staff/review/report/{two.Reference}"));
    }

    [Fact]
    public async Task Partial_search_finds_profiles_by_fragments_for_moderators_only_is_rate_limited_and_audited_without_the_text()
    {
        var phone = StaffData.Report(_host, "0644556677", [ReportCategories.Rape], departement: "13");
        var mail = StaffData.Report(_host, "jean.dupont@exemple-mail.fr", [ReportCategories.Theft]);
        var plate = StaffData.Report(_host, "AB-123-CD", [ReportCategories.Harassment]);
        var moira = await StaffClient.SignedInAsync(_host, "moira", StaffRole.Moderator);

        async Task<string> Search(string kind, string text, string? category = null, string? dep = null)
        {
            var fields = new Dictionary<string, string> { ["kind"] = kind, ["fragment"] = text };
            if (category is not null) fields["category"] = category;
            if (dep is not null) fields["departement"] = dep;
            return await moira.PostAndFollowAsync("/staff/profiles?handler=Partial", fields, "/staff/profiles");
        }

        Assert.Contains(phone.ProfileId[..8], await Search("Phone", "6677"));
        Assert.Contains(phone.ProfileId[..8], await Search("Phone", "556677"));
        Assert.Contains(phone.ProfileId[..8], await Search("Phone", "6677", ReportCategories.Rape, "13"));
        Assert.DoesNotContain(phone.ProfileId[..8], await Search("Phone", "6677", dep: "75"));
        Assert.DoesNotContain(phone.ProfileId[..8], await Search("Phone", "6678"));
        Assert.Contains("role=\"alert\"", await Search("Phone", "677"));
        Assert.Contains(mail.ProfileId[..8], await Search("Email", "exemple-mail.fr"));
        Assert.Contains(plate.ProfileId[..8], await Search("Plate", "123"));
        Assert.Contains(plate.ProfileId[..8], await Search("Plate", "3CD"));

        var audit = _host.Get<AuditLog>().Latest(100).Where(e => e.Action == "profile.partial-search").ToList();
        Assert.Equal(8, audit.Count);
        Assert.All(audit, e => Assert.Equal("moira", e.Who));
        Assert.DoesNotContain(audit, e => Regex.IsMatch(e.Object ?? "", @"\d"));

        // The fragments are keyed hashes, under a purpose of their own: neither the digits nor the domain are stored.
        var fragments = _host.Get<JasmineStore>().Collection<FragmentDoc>("staff_fragments").FindAll().ToList();
        Assert.NotEmpty(fragments);
        Assert.DoesNotContain(fragments, f => f.Hash.Contains("6677") || f.Hash.Contains("exemple"));
        Assert.DoesNotContain(fragments, f => _host.Get<JasmineStore>().IdentifierIndex.FindById(f.Hash) is not null);

        for (var i = audit.Count; i < PartialSearch.Limit; i++) await Search("Phone", "6677");
        Assert.Contains("role=\"alert\"", await Search("Phone", "6677"));
        Assert.Contains(_host.Get<AuditLog>().Latest(10), e => e.Action == "profile.partial-search.limited" && e.Who == "moira");

        var fatou = await StaffClient.SignedInAsync(_host, "fatou", StaffRole.FollowUp);
        Assert.Equal(HttpStatusCode.Redirect, (await fatou.Http.GetAsync("/staff/profiles")).StatusCode);
    }

    [Fact]
    public async Task Police_sharing_needs_her_recorded_consent_exports_only_what_she_agreed_to_for_admins_and_is_revocable_until_sent()
    {
        var member = await StaffData.MemberAsync(_host, "nina");
        var report = StaffData.Report(_host, "0677889900", [ReportCategories.Assault], reporterId: member, wantsContact: true, freeText: "near my flat in rue Oberkampf");
        var path = $"/staff/cases/case/{report.Reference}";
        var fatou = await StaffClient.SignedInAsync(_host, "fatou", StaffRole.FollowUp);
        var ada = await StaffClient.SignedInAsync(_host, "ada", StaffRole.Admin);

        // Nothing to export before she agreed.
        Assert.Contains("role=\"alert\"", await ada.PostAndFollowAsync(path + "?handler=PoliceExport", new(), path));
        Assert.Contains("role=\"alert\"", await fatou.PostAndFollowAsync(path + "?handler=PoliceRecord", new(), path));

        var form = new FormUrlEncodedContent([new("shares", "identifiers"), new("shares", "facts"), new("__RequestVerificationToken", StaffClient.Token(await (await fatou.Http.GetAsync(path)).Content.ReadAsStringAsync())!)]);
        Assert.Equal(HttpStatusCode.Redirect, (await fatou.Http.PostAsync(path + "?handler=PoliceRecord", form)).StatusCode);
        var consent = _host.Get<PoliceSharing>().Of(report)!;
        Assert.Equal(PoliceConsentStatus.Consented, consent.Status);

        // Follow-up staff record it; only an admin prepares the export.
        Assert.Equal(HttpStatusCode.Redirect, (await fatou.PostFormAsync(path + "?handler=PoliceExport", new(), path)).StatusCode);
        var export = await ada.PostFormAsync(path + "?handler=PoliceExport", new(), path);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var text = await export.Content.ReadAsStringAsync();
        Assert.Contains("+33 6 77 88 99 00", text);
        Assert.Contains("assault", text);
        Assert.Contains(consent.ExportId, text);
        foreach (var about in new[] { report.Reference, "Oberkampf", "Paris", "tall, red cap", "Lili", "try:" }) Assert.DoesNotContain(about, text);

        await fatou.PostAndFollowAsync(path + "?handler=PoliceRevoke", new(), path);
        Assert.Contains("role=\"alert\"", await ada.PostAndFollowAsync(path + "?handler=PoliceExport", new(), path));

        form = new FormUrlEncodedContent([new("shares", "facts"), new("__RequestVerificationToken", StaffClient.Token(await (await fatou.Http.GetAsync(path)).Content.ReadAsStringAsync())!)]);
        await fatou.Http.PostAsync(path + "?handler=PoliceRecord", form);
        await ada.PostAndFollowAsync(path + "?handler=PoliceSent", new(), path);
        Assert.Equal(PoliceConsentStatus.Sent, _host.Get<PoliceSharing>().Of(report)!.Status);
        Assert.Contains("role=\"alert\"", await fatou.PostAndFollowAsync(path + "?handler=PoliceRevoke", new(), path));

        var audit = _host.Get<AuditLog>().Latest(100);
        Assert.Equal(2, audit.Count(e => e.Who == "fatou" && e.Action == "police.consent" && e.Object == report.Reference));
        Assert.Contains(audit, e => e.Who == "fatou" && e.Action == "police.revoke");
        Assert.Single(audit, e => e.Action == "police.export");
        Assert.Contains(audit, e => e.Who == "ada" && e.Action == "police.export");
        Assert.Contains(audit, e => e.Who == "ada" && e.Action == "police.sent");
        Assert.DoesNotContain(audit, e => e.Who == "fatou" && e.Action is "police.export" or "police.sent");
    }
}
