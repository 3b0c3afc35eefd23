using System.Net;
using Jasmine.Bots.Alerts;
using Jasmine.Bots.Domain;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Help;
using Jasmine.Bots.Members;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Staff;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Staff;

/// <summary>The staff console over HTTP: logging in, each role's pages, every action, and what the audit log keeps.</summary>
public sealed class StaffConsoleTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Anonymous_visitors_get_only_the_login_page()
    {
        var anonymous = StaffClient.Anonymous(_host);
        foreach (var path in new[] { "/staff", "/staff/review", "/staff/profiles", "/staff/cases", "/staff/members", "/staff/members/invites", "/staff/services", "/staff/stats", "/staff/stats?handler=csv", "/staff/audit", "/staff/jobs", "/staff/login/code", "/staff/login/enrol" })
        {
            var response = await anonymous.Http.GetAsync(path);
            Assert.True(HttpStatusCode.Redirect == response.StatusCode, path + " " + response.StatusCode + "\n" + string.Join("\n", _host.Logs.Lines.Where(l => !l.StartsWith("Trace") && !l.StartsWith("Debug")).Take(80)));
            Assert.StartsWith("http://localhost/staff/login", response.Headers.Location!.ToString().Replace("/staff/login?", "/staff/login?", StringComparison.Ordinal));
        }
        var login = await anonymous.Http.GetAsync("/staff/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("DENY", login.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", login.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("script-src 'self';", login.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task The_first_login_forces_a_new_password_and_authenticator_enrolment_and_the_cookie_is_strict()
    {
        var password = await StaffClient.AddAccountAsync(_host, "ana", StaffRole.Moderator);
        Assert.Matches("^[a-z2-9]{5}(-[a-z2-9]{5}){3}$", password);
        var ana = StaffClient.Anonymous(_host);

        var step = await ana.PasswordStepAsync("ana", password);
        Assert.Equal("/staff/login/password", step.Headers.Location?.OriginalString);
        // Until the password is changed, nothing else opens.
        Assert.Equal(HttpStatusCode.Redirect, (await ana.Http.GetAsync("/staff/review")).StatusCode);
        var weak = await ana.PostAndFollowAsync("/staff/login/password", new() { ["password"] = "short", ["confirm"] = "short" });
        Assert.Contains("at least 12", weak.Replace("au moins 12", "at least 12"));
        await ana.PostFormAsync("/staff/login/password", new() { ["password"] = StaffClient.NewPassword, ["confirm"] = StaffClient.NewPassword });

        var enrol = await ana.GetPageAsync("/staff/login/enrol");
        var account = _host.Get<StaffAccounts>().Find("ana")!;
        Assert.StartsWith("v1.", account.TotpSecretEnc);
        Assert.Contains(OtpNet.Base32Encoding.ToString(_host.Get<StaffAccounts>().Secret(account))[..4], enrol);
        var done = await ana.PostFormAsync("/staff/login/enrol", new() { ["code"] = ana.Code("ana") });
        Assert.Equal("/staff", done.Headers.Location?.OriginalString);
        var cookie = done.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("jasmine.staff=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Hello ana", (await ana.GetPageAsync("/staff")).Replace("Bonjour ana", "Hello ana"));

        // The one-time password no longer works; the new one leads straight to the code.
        var again = StaffClient.Anonymous(_host);
        Assert.Equal(HttpStatusCode.OK, (await again.PasswordStepAsync("ana", password)).StatusCode);
        Assert.Equal("/staff/login/code", (await again.PasswordStepAsync("ana", StaffClient.NewPassword)).Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_wrong_authenticator_code_is_refused_repeated_failures_make_her_wait_and_a_reset_clears_it()
    {
        await StaffClient.SignedInAsync(_host, "bea", StaffRole.FollowUp);
        var bea = StaffClient.Anonymous(_host);
        await bea.PasswordStepAsync("bea", StaffClient.NewPassword);
        var wrong = await bea.PostAndFollowAsync("/staff/login/code", new() { ["code"] = "000000" });
        Assert.Contains("role=\"alert\"", wrong);
        Assert.Equal(HttpStatusCode.Redirect, (await bea.Http.GetAsync("/staff/cases")).StatusCode);

        for (var i = 0; i < 6; i++) await bea.PasswordStepAsync("bea", "not the password");
        // Even the right password is not checked while this login must wait (from a browser it never completed a login in).
        var waiting = await bea.PasswordStepAsync("bea", StaffClient.NewPassword);
        Assert.Equal(HttpStatusCode.OK, waiting.StatusCode);
        Assert.Contains("Attendez", System.Net.WebUtility.HtmlDecode(await waiting.Content.ReadAsStringAsync()));
        var actions = _host.Get<AuditLog>().Entries.FindAll().Select(e => e.Action).ToList();
        Assert.Contains("login.code_failed", actions);
        Assert.Contains("login.throttled", actions);

        // staff reset clears what was counted against the login and asks for a new enrolment.
        var output = new StringWriter();
        await _host.Get<Jasmine.Bots.Admin.AdminCommands>().RunAsync(["staff", "reset", "bea"], output, CancellationToken.None);
        var fresh = output.ToString().TrimEnd().Split('\n')[^1];
        Assert.Equal("/staff/login/password", (await StaffClient.Anonymous(_host).PasswordStepAsync("bea", fresh)).Headers.Location?.OriginalString);
        Assert.False(_host.Get<StaffAccounts>().Find("bea")!.TotpConfirmed);
    }

    [Fact]
    public async Task A_post_without_or_with_a_forged_antiforgery_token_is_rejected()
    {
        var admin = await StaffClient.SignedInAsync(_host, "root", StaffRole.Admin);
        var missing = await admin.Http.PostAsync("/staff/members/invites", new FormUrlEncodedContent(new Dictionary<string, string> { ["role"] = "Member", ["count"] = "1" }));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var forged = await admin.Http.PostAsync("/staff/members/invites", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["role"] = "Member", ["count"] = "1", ["__RequestVerificationToken"] = "CfDJ8forged" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        // A token from another session is no better.
        var other = StaffClient.Anonymous(_host);
        var foreignToken = StaffClient.Token(await other.GetPageAsync("/staff/login"))!;
        var foreign = await admin.Http.PostAsync("/staff/members/invites", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["role"] = "Member", ["count"] = "1", ["__RequestVerificationToken"] = foreignToken }));
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal(0, _host.Get<JasmineStore>().Invites.Count());
    }

    [Theory]
    [InlineData(StaffRole.Moderator, "/staff/review,/staff/profiles,/staff/services,/staff/stats", "/staff/cases,/staff/members,/staff/members/invites,/staff/audit,/staff/jobs")]
    [InlineData(StaffRole.FollowUp, "/staff/cases,/staff/stats", "/staff/review,/staff/profiles,/staff/services,/staff/members,/staff/audit,/staff/jobs")]
    [InlineData(StaffRole.Admin, "/staff/review,/staff/profiles,/staff/services,/staff/cases,/staff/members,/staff/members/invites,/staff/members/tree,/staff/audit,/staff/stats,/staff/jobs", "")]
    public async Task Each_role_reaches_its_own_pages_only(StaffRole role, string allowed, string denied)
    {
        var staff = await StaffClient.SignedInAsync(_host, "someone", role);
        foreach (var path in allowed.Split(',')) await staff.GetPageAsync(path);
        foreach (var path in denied.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var response = await staff.Http.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Forbidden, $"{role} reached {path}");
            if (response.StatusCode == HttpStatusCode.Redirect) Assert.Contains("/staff/denied", response.Headers.Location!.ToString());
        }
    }

    [Fact]
    public async Task A_moderator_reads_a_report_decrypted_and_very_dangerous_asks_for_confirmation_then_queues_the_push_warning()
    {
        await StaffData.MemberAsync(_host, "paris", area: "75");
        await StaffData.MemberAsync(_host, "lyon", area: "69");
        var mild = StaffData.Report(_host, "0611111111", [ReportCategories.Timewaster]);
        var severe = StaffData.Report(_host, "0655443322", [ReportCategories.Rape], freeText: "He hit me at the hotel");
        var mod = await StaffClient.SignedInAsync(_host, "mo", StaffRole.Moderator);

        var queue = await mod.GetPageAsync("/staff/review");
        Assert.True(queue.IndexOf(severe.Reference, StringComparison.Ordinal) < queue.IndexOf(mild.Reference, StringComparison.Ordinal), "severe first");
        var page = await mod.GetPageAsync($"/staff/review/report/{severe.Reference}");
        Assert.Contains("+33 6 55 44 33 22", page);
        Assert.Contains("He hit me at the hotel", page);
        Assert.Contains("tall, red cap", page);
        Assert.Contains("Paris 11e", page);

        var path = $"/staff/review/report/{severe.Reference}";
        var confirm = await mod.PostAndFollowAsync(path + "?handler=Classify", new() { ["classification"] = "very-dangerous" }, path);
        Assert.Matches("(warning to|alerte à) 1 (member|membre)", confirm);
        var warnings = _host.Get<WarningsService>();
        Assert.Equal(0, warnings.Fanouts.Count());
        Assert.Equal(Classification.Pending, _host.Get<ProfileService>().Get(severe.ProfileId)!.Classification);

        await mod.PostAndFollowAsync(path + "?handler=Classify", new() { ["classification"] = "very-dangerous", ["confirmed"] = "true" }, path);
        Assert.Equal(Classification.VeryDangerous, _host.Get<ProfileService>().Get(severe.ProfileId)!.Classification);
        Assert.Single(warnings.Fanouts.FindAll());
        Assert.Single(await _host.Chat("paris").WaitForInbox());

        await mod.PostAndFollowAsync(path + "?handler=Reviewed", new(), path);
        Assert.True(_host.Get<JasmineStore>().Reports.FindById(severe.Id)!.Reviewed);
        Assert.DoesNotContain(severe.Reference, await mod.GetPageAsync("/staff/review"));

        await mod.PostAndFollowAsync(path + "?handler=Note", new() { ["note"] = "Known from the Lyon group too" }, path);
        var profile = _host.Get<ProfileService>().Get(severe.ProfileId)!;
        Assert.StartsWith("v1.", profile.PublicNoteEnc);
        Assert.Contains("Known from the Lyon group too", await mod.GetPageAsync(path));
    }

    [Fact]
    public async Task Merging_and_splitting_move_identifiers_index_entries_and_reports_and_keep_the_history()
    {
        var a = StaffData.Report(_host, "0612345678", [ReportCategories.Theft]);
        var b = StaffData.Report(_host, "AB-123-CD", [ReportCategories.Assault]);
        var mod = await StaffClient.SignedInAsync(_host, "mo", StaffRole.Moderator);
        var path = $"/staff/review/report/{a.Reference}";
        await mod.PostAndFollowAsync(path + "?handler=Classify", new() { ["classification"] = "risky" }, path);

        var merged = await mod.PostAndFollowAsync(path + "?handler=Merge", new() { ["other"] = "ab 123 cd" }, path);
        Assert.Contains("AB-123-CD", merged);
        var profiles = _host.Get<ProfileService>();
        var store = _host.Get<JasmineStore>();
        Assert.Null(profiles.Get(b.ProfileId));
        var target = profiles.Get(a.ProfileId)!;
        Assert.Equal(2, target.Identifiers.Count);
        Assert.Equal(2, target.ReportCount);
        Assert.Equal(a.ProfileId, store.Reports.FindById(b.Id)!.ProfileId);
        Assert.Equal(a.ProfileId, profiles.Find(_host.Get<IdentifierParser>().Normalize(IdentifierKind.Plate, "AB-123-CD")!)!.Id);
        Assert.Equal(Classification.Risky, target.Classification);
        Assert.Contains(target.History, h => h.By.Contains("merge", StringComparison.Ordinal));

        var plateHash = target.Identifiers.Single(i => i.Kind == IdentifierKind.Plate).Hash;
        await mod.PostAndFollowAsync(path + "?handler=Split", new() { ["hash"] = plateHash }, path);
        var split = profiles.Find(_host.Get<IdentifierParser>().Normalize(IdentifierKind.Plate, "AB-123-CD")!)!;
        Assert.NotEqual(a.ProfileId, split.Id);
        Assert.Equal(Classification.Pending, split.Classification);
        Assert.Equal(split.Id, store.Reports.FindById(b.Id)!.ProfileId);
        Assert.Single(profiles.Get(a.ProfileId)!.Identifiers);
        Assert.Equal(1, profiles.Get(a.ProfileId)!.ReportCount);
    }

    [Fact]
    public async Task Profile_search_reads_an_identifier_the_way_screening_does_and_shows_the_history()
    {
        var r = StaffData.Report(_host, "0655443322", [ReportCategories.Harassment]);
        var mod = await StaffClient.SignedInAsync(_host, "mo", StaffRole.Moderator);
        var found = await mod.PostAndFollowAsync("/staff/profiles", new() { ["q"] = "+33 6 55 44 33 22" });
        Assert.Contains($"/staff/profiles/profile/{r.ProfileId}", found);
        Assert.Contains("No profile", await mod.PostAndFollowAsync("/staff/profiles", new() { ["q"] = "0699999999" }).ContinueWith(t => t.Result.Replace("Aucun profil", "No profile")));
        var profile = await mod.GetPageAsync($"/staff/profiles/profile/{r.ProfileId}");
        Assert.Contains(r.Reference, profile);
        Assert.Contains("+33 6 55 44 33 22", profile);
    }

    [Fact]
    public async Task Follow_up_staff_acknowledge_relay_note_and_close_a_case()
    {
        var victimId = await StaffData.MemberAsync(_host, "victim");
        var report = StaffData.Report(_host, "0611223344", [ReportCategories.Rape], reporterId: victimId, wantsContact: true);
        var cases = _host.Get<CaseService>();
        await Eventually.True(() => cases.ByReference(report.Reference) is not null, "a case is opened");
        var fu = await StaffClient.SignedInAsync(_host, "fanny", StaffRole.FollowUp);
        var path = $"/staff/cases/case/{report.Reference}";

        Assert.Contains(report.Reference, await fu.GetPageAsync("/staff/cases"));
        await fu.PostAndFollowAsync(path + "?handler=Acknowledge", new(), path);
        var doc = cases.ByReference(report.Reference)!;
        Assert.Equal(CaseStatus.Acknowledged, doc.Status);
        Assert.Equal("fanny", doc.HolderName);
        var victim = _host.Chat("victim");
        Assert.Contains(await victim.WaitForInbox(), m => m.Text.Contains(report.Reference, StringComparison.Ordinal) || m.Text.Contains("new message", StringComparison.Ordinal));

        var page = await fu.PostAndFollowAsync(path + "?handler=Relay", new() { ["message"] = "Can I call you tonight?" }, path);
        Assert.Contains("Can I call you tonight?", page);
        await fu.PostAndFollowAsync(path + "?handler=Note", new() { ["note"] = "Left a voicemail" }, path);
        var contact = await fu.PostAndFollowAsync(path + "?handler=Contact", new(), path);
        Assert.Contains("through the bot", contact.Replace("par le bot", "through the bot"));
        await fu.PostAndFollowAsync(path + "?handler=Close", new() { ["outcome"] = "referred to a lawyer" }, path);
        doc = cases.ByReference(report.Reference)!;
        Assert.Equal(CaseStatus.Closed, doc.Status);
        Assert.Contains(doc.Notes, n => n.Kind == "to-her");
        Assert.All(doc.Notes, n => Assert.StartsWith("v1.", n.TextEnc));
        Assert.Contains("referred to a lawyer", await fu.GetPageAsync(path));
    }

    [Fact]
    public async Task An_admin_issues_invites_for_the_staff_or_an_organisation_within_its_quota()
    {
        var orgId = await StaffData.MemberAsync(_host, "asso", "Asso Paris", code: _host.NewInvite(MemberRole.Organisation));
        var admin = await StaffClient.SignedInAsync(_host, "root", StaffRole.Admin);
        var page = await admin.PostAndFollowAsync("/staff/members/invites", new() { ["role"] = "Member", ["count"] = "3" });
        var codes = System.Text.RegularExpressions.Regex.Matches(page, "class=\"invite-code\">([A-Z0-9]{10})<").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(3, codes.Count);
        Assert.All(codes, c => Assert.NotNull(_host.Get<MemberService>().FindValidInvite(c)));

        var org = _host.Get<MemberService>().Find(orgId)!;
        var quota = _host.Get<MemberService>().InvitesLeft(org);
        await admin.PostAndFollowAsync("/staff/members/invites", new() { ["role"] = "Member", ["count"] = "2", ["onBehalfOf"] = orgId });
        Assert.Equal(quota - 2, _host.Get<MemberService>().InvitesLeft(org));
        var refused = await admin.PostAndFollowAsync("/staff/members/invites", new() { ["role"] = "Member", ["count"] = (quota - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), ["onBehalfOf"] = orgId });
        Assert.Contains("role=\"alert\"", refused);
        Assert.Equal(quota - 2, _host.Get<MemberService>().InvitesLeft(org));
        Assert.Contains("Asso Paris", await admin.GetPageAsync("/staff/members"));
    }

    [Fact]
    public async Task A_suspended_member_is_kindly_refused_and_erasing_a_member_keeps_those_she_invited()
    {
        var mumId = await StaffData.MemberAsync(_host, "mum", "Mum");
        var childCode = _host.Get<MemberService>().CreateInvite(mumId, MemberRole.Member);
        var childId = await StaffData.MemberAsync(_host, "child", "Kid", code: childCode);
        var admin = await StaffClient.SignedInAsync(_host, "root", StaffRole.Admin);
        var tree = await admin.GetPageAsync("/staff/members/tree");
        Assert.True(tree.IndexOf("Mum", StringComparison.Ordinal) < tree.IndexOf("Kid", StringComparison.Ordinal));

        var path = $"/staff/members/member/{childId}";
        await admin.PostAndFollowAsync(path + "?handler=Status", new() { ["suspend"] = "true" }, path);
        var child = _host.Chat("child");
        await child.Send("0611111111");
        child.Expect("suspended");
        await admin.PostAndFollowAsync(path + "?handler=Status", new() { ["suspend"] = "false" }, path);
        await child.Send("0611111111");
        Assert.DoesNotContain("suspended", child.LastText);

        var mumPath = $"/staff/members/member/{mumId}";
        var confirm = await admin.PostAndFollowAsync(mumPath + "?handler=Erase", new(), mumPath);
        Assert.Matches("1 (member|membre)", confirm);
        Assert.NotNull(_host.Get<MemberService>().Find(mumId));
        await admin.PostAndFollowAsync(mumPath + "?handler=Erase", new() { ["confirmed"] = "true" }, mumPath);
        Assert.Null(_host.Get<MemberService>().Find(mumId));
        Assert.Null(_host.Get<MemberService>().Find(childId)!.InvitedBy);
        Assert.DoesNotContain("tel:", await admin.GetPageAsync("/staff/members"));
    }

    [Fact]
    public async Task Support_services_are_added_edited_and_hidden_in_the_directory_the_bot_uses()
    {
        var mod = await StaffClient.SignedInAsync(_host, "mo", StaffRole.Moderator);
        var fields = new Dictionary<string, string>
        {
            ["isNew"] = "true", ["Form.Id"] = "test-cegidd", ["Form.Kind"] = "Health", ["Form.Name"] = "CeGIDD test", ["Form.Address"] = "1 rue Test",
            ["Form.Postcode"] = "75011", ["Form.Town"] = "Paris", ["Form.Latitude"] = "48.86", ["Form.Longitude"] = "2.38", ["Form.Phone"] = "01 00 00 00 00",
            ["Form.OpeningHours"] = "Mo-Fr 09:00-17:00", ["Form.Languages"] = "fr en", ["Form.SexWorkerFriendly"] = "true",
        };
        await mod.PostAndFollowAsync("/staff/services/edit", fields);
        var directory = _host.Get<SupportServiceStore>();
        Assert.Equal("CeGIDD test", directory.Get("test-cegidd")!.Name);

        fields["isNew"] = "false";
        fields["Form.Name"] = "CeGIDD renamed";
        await mod.PostAndFollowAsync("/staff/services/edit/test-cegidd", fields);
        Assert.Equal("CeGIDD renamed", directory.Get("test-cegidd")!.Name);

        fields["Form.OpeningHours"] = "whenever";
        Assert.Contains("role=\"alert\"", await mod.PostAndFollowAsync("/staff/services/edit/test-cegidd", fields));

        await mod.PostAndFollowAsync("/staff/services?handler=Hide&id=test-cegidd", new() { ["hidden"] = "true" }, "/staff/services");
        Assert.True(directory.Get("test-cegidd")!.Hidden);
    }

    [Fact]
    public async Task The_audit_log_records_actions_without_any_personal_data_and_only_admins_read_it()
    {
        var victimId = await StaffData.MemberAsync(_host, "victim", "Zoelle");
        var report = StaffData.Report(_host, "0655443322", [ReportCategories.Rape], reporterId: victimId, wantsContact: true, freeText: "secret words");
        var admin = await StaffClient.SignedInAsync(_host, "root", StaffRole.Admin);
        var path = $"/staff/review/report/{report.Reference}";
        await admin.PostAndFollowAsync(path + "?handler=Note", new() { ["note"] = "private note text" }, path);
        await admin.PostAndFollowAsync("/staff/profiles", new() { ["q"] = "0655443322" });
        await Eventually.True(() => _host.Get<CaseService>().ByReference(report.Reference) is not null, "a case is opened");
        var casePath = $"/staff/cases/case/{report.Reference}";
        await admin.PostAndFollowAsync(casePath + "?handler=Relay", new() { ["message"] = "relay text here" }, casePath);
        await StaffClient.Anonymous(_host).PasswordStepAsync("0612345678", "x");

        var entries = _host.Get<AuditLog>().Entries.FindAll().ToList();
        Assert.Contains(entries, e => e.Action == "profile.note" && e.Who == "root");
        Assert.Contains(entries, e => e.Action == "report.view" && e.Object == report.Reference);
        Assert.Contains(entries, e => e.Action == "case.relay");
        Assert.Contains(entries, e => e.Action == "login.unknown" && e.Who == "?");
        var all = string.Join("\n", entries.Select(e => $"{e.Who} {e.Action} {e.Object}"));
        foreach (var secret in new[] { "0655443322", "+33655443322", "55 44 33", "0612345678", "Zoelle", "secret words", "private note", "relay text", "Paris 11e", "try:victim" })
            Assert.DoesNotContain(secret, all);
        var page = await admin.GetPageAsync("/staff/audit");
        Assert.Contains("profile.note", page);
    }

    [Fact]
    public async Task The_language_switch_sets_a_cookie_and_returns_to_the_same_page()
    {
        var anonymous = StaffClient.Anonymous(_host);
        var r = await anonymous.Http.GetAsync("/staff/lang/en?back=%2Fstaff%2Flogin");
        Assert.Equal("/staff/login", r.Headers.Location?.OriginalString);
        Assert.Contains("Staff login", await anonymous.GetPageAsync("/staff/login"));
        await anonymous.Http.GetAsync("/staff/lang/fr?back=https%3A%2F%2Fevil.example");
        Assert.Contains("Connexion de l", await anonymous.GetPageAsync("/staff/login"));
        Assert.Equal("/staff", (await anonymous.Http.GetAsync("/staff/lang/fr?back=https%3A%2F%2Fevil.example")).Headers.Location?.OriginalString);
    }
}
