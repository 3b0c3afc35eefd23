using Hangfire;
using Jasmine.Bots.Alerts;
using Jasmine.Bots.Channels;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Jobs;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Members;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Reports;
using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.FollowUp;

/// <summary>
/// Follow-up cases: opened from severe reports, routed to the staff on call, escalated when nobody answers,
/// acknowledged, relayed, closed. Every state lives in the store first; Hangfire only drives the timing.
/// </summary>
public sealed class CaseService(
    JasmineStore store,
    ReportStore reports,
    CaseStore caseStore,
    IOptions<FollowUpOptions> options,
    IServiceProvider services,
    MemberService members,
    Notifier notifier,
    Channels.Outbox.Outbox outbox,
    StaffTexts staffTexts,
    Locales locales,
    TimeProvider time,
    ILogger<CaseService> logger) : IReportListener, IRecoverable
{
    public IDocs<CaseDoc> Cases => caseStore.Cases;
    private IBackgroundJobClient Jobs => services.GetRequiredService<IBackgroundJobClient>();

    /// <summary>Every report with consent to contact opens a case: severity decides its priority and routing, not whether there is one.</summary>
    public void ReportSaved(ReportDoc report, ProfileDoc profile)
    {
        var o = options.Value;
        if (!report.WantsContact) return;
        if (Cases.Exists(c => c.ReportId == report.Id)) return;
        var contact = reports.ContactHow(report);
        var town = reports.Town(report);
        var contactWhen = reports.ContactWhen(report);
        var doc = new CaseDoc
        {
            Id = Guid.NewGuid().ToString("N"),
            Reference = report.Reference,
            ReportId = report.Id,
            MemberId = report.ReporterId,
            Categories = report.Categories.ToList(),
            Departement = report.Departement,
            IncidentDate = report.IncidentDate,
            ContactWay = contact is null ? null : contact.StartsWith("tel:", StringComparison.Ordinal) ? "tel" : "chat",
            Language = report.Language,
            Severe = report.Categories.Any(o.SevereCategories.Contains),
            Queued = !OnCall,
            Status = CaseStatus.Open,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        caseStore.SetTown(doc, town);
        caseStore.SetContact(doc, contact);
        caseStore.SetContactWhen(doc, contactWhen);
        Cases.Insert(doc);
        store.Increment($"cases.opened:{doc.CreatedAt:yyyy-MM}");
        store.AfterCommit(() => Jobs.Enqueue<CaseJobs>(j => j.Route(doc.Id)));
    }

    /// <summary>Someone is on call (a rota or a group is configured): otherwise cases wait for office hours.</summary>
    public bool OnCall => options.Value.Rota.Count > 0 || options.Value.Group is not null;

    public CaseDoc? ByReport(string reportId) => Cases.FindOne(c => c.ReportId == reportId);

    /// <summary>Open cases as the console lists them: queued (nobody on call) first, then severe, then oldest.</summary>
    public IReadOnlyList<CaseDoc> OpenFirst() =>
        Cases.Find(c => c.Status == CaseStatus.Open).OrderByDescending(c => c.Queued).ThenByDescending(c => c.Severe).ThenBy(c => c.CreatedAt).ToList();

    public void Recover(IBackgroundJobClient jobs)
    {
        foreach (var c in Cases.Find(c => c.Status == CaseStatus.Open).ToList()) jobs.Enqueue<CaseJobs>(j => j.Route(c.Id));
    }

    public CaseDoc? ByReference(string reference) => Cases.FindOne(c => c.Reference == reference.Trim().ToUpperInvariant());

    /// <summary>Her town, as shown to staff ("" when she gave none).</summary>
    public string Town(CaseDoc doc) => Shown(caseStore.Town(doc));

    /// <summary>How to reach her ("tel:+33…" or "chat:&lt;urn&gt;"; "" once erased or when she gave none).</summary>
    public string Contact(CaseDoc doc) => Shown(caseStore.Contact(doc));

    public string ContactWhen(CaseDoc doc) => Shown(caseStore.ContactWhen(doc));

    public string Outcome(CaseDoc doc) => Shown(caseStore.Outcome(doc));

    public string NoteText(CaseNote note) => Text.BidiControls.Strip(caseStore.NoteText(note));

    /// <summary>Whether a way to reach her is kept (the console shows it on demand only).</summary>
    public static bool HasContact(CaseDoc doc) => CaseStore.HasContact(doc);

    public static bool HasTown(CaseDoc doc) => CaseStore.HasTown(doc);

    public static bool HasContactWhen(CaseDoc doc) => CaseStore.HasContactWhen(doc);

    public static bool HasOutcome(CaseDoc doc) => CaseStore.HasOutcome(doc);

    private static string Shown(string? clear) => clear is null ? "" : Text.BidiControls.Strip(clear);

    public bool IsStaff(string urn) => options.Value.Rota.Contains(urn, StringComparer.Ordinal) || options.Value.Group == urn;

    /// <summary>Notifies escalation level <paramref name="level"/>: 1..n = the rota in order, n+1 and beyond = all staff.</summary>
    public void NotifyLevel(CaseDoc doc, int level)
    {
        lock (Gate)
        {
            // Re-read: an acknowledgement may have landed since the job loaded the case.
            if (Cases.FindById(doc.Id) is not { Status: CaseStatus.Open } current) return;
            doc = current;
            NotifyLevelLocked(doc, level);
        }
    }

    /// <summary>Every read-modify-write of a case runs under this lock: the routing job and staff act concurrently.</summary>
    private static readonly Lock Gate = new();

    private void NotifyLevelLocked(CaseDoc doc, int level)
    {
        var o = options.Value;
        var targets = new List<string>();
        var text = staffTexts.Get("case.new", StaffArgs(doc, level));
        if (!OnCall)
        {
            // Nobody on call: the admins hear of it by the same channels, and it waits first on the console's home page.
            targets.AddRange(o.Admins);
            text = staffTexts.Get("case.nobody_on_call") + "\n" + text;
        }
        else if (level <= o.Rota.Count) targets.Add(o.Rota[level - 1]);
        else targets.AddRange(o.Rota.Concat(o.Admins));
        if (level == 1 && o.Group is { } group) targets.Add(group);
        var button = new Choice(staffTexts.Get("case.ack_button", new Dictionary<string, string> { ["reference"] = doc.Reference }), "ack:" + doc.Reference);
        foreach (var target in targets.Distinct())
            outbox.Send(target, [new OutboundMessage(text, [button], "fr") { Kind = OutboundKind.Proactive }], $"case:{doc.Id}:level:{level}:{target}");
        doc.Level = level;
        doc.LastNotifiedAt = time.GetUtcNow().UtcDateTime;
        // Only the escalation fields, on a fresh copy: writing back the job's copy would undo an acknowledgement
        // made while it was sending (the CLI test caught staff "ack" being reverted to Open).
        store.InTransaction(() =>
        {
            if (Cases.FindById(doc.Id) is not { } current) return;
            current.Level = doc.Level;
            current.LastNotifiedAt = doc.LastNotifiedAt;
            Cases.Update(current);
        });
        if (targets.Count == 0) logger.LogWarning("Case {Reference} has no staff to notify: configure Jasmine:FollowUp:Rota or Jasmine:FollowUp:Admins; it waits on the console", doc.Reference);
    }

    private Dictionary<string, string> StaffArgs(CaseDoc doc, int level)
    {
        var fr = locales["fr"];
        var contact = Contact(doc);
        return new Dictionary<string, string>
        {
            ["reference"] = doc.Reference,
            ["level"] = level.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["categories"] = BotFlowHost.CategoryList(fr, doc.Categories),
            ["place"] = !HasTown(doc) ? (doc.Departement ?? "?") : $"{Town(doc)} ({doc.Departement})",
            ["date"] = doc.IncidentDate.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture),
            ["contact"] = contact.StartsWith("tel:", StringComparison.Ordinal)
                ? staffTexts.Get("contact.number", new Dictionary<string, string> { ["number"] = contact[4..] })
                : staffTexts.Get("contact.chat"),
            ["when"] = ContactWhen(doc) is { Length: > 0 } w ? w : "?",
            ["language"] = LanguageName(doc.Language),
            ["priority"] = staffTexts.Get(doc.Severe ? "case.priority_urgent" : "case.priority_normal"),
        };
    }

    /// <summary>Her language as staff should read it: its own name and its code ("Română (ro)").</summary>
    public string LanguageName(string language) =>
        locales.IsSupported(language) ? $"{locales[language].NativeName} ({language})" : language;

    /// <summary>The relay's ready-made phrases, always in her language (keys relay.phrase.*).</summary>
    public static readonly IReadOnlyList<string> Phrases = ["ack", "safe", "call", "appointment", "referral", "police"];

    public string Phrase(CaseDoc doc, string phrase) => locales[LanguageOf(doc)].Get("relay.phrase." + phrase);

    private string LanguageOf(CaseDoc doc) => locales.IsSupported(doc.Language) ? doc.Language : Locales.BaseLanguage;

    public enum AckResult { Done, AlreadyAcknowledged, Unknown }

    public AckResult Acknowledge(string reference, string staff, string? staffUrn)
    {
        lock (Gate) return AcknowledgeLocked(reference, staff, staffUrn);
    }

    private AckResult AcknowledgeLocked(string reference, string staff, string? staffUrn)
    {
        var doc = ByReference(reference);
        if (doc is null || doc.Status == CaseStatus.Closed) return AckResult.Unknown;
        if (doc.Status == CaseStatus.Acknowledged) return AckResult.AlreadyAcknowledged;
        doc.Status = CaseStatus.Acknowledged;
        doc.AcknowledgedAt = time.GetUtcNow().UtcDateTime;
        doc.HolderName = staff;
        caseStore.SetHolder(doc, staffUrn);
        Cases.Update(doc);
        store.Increment($"cases.acknowledged:{doc.AcknowledgedAt:yyyy-MM}");
        store.Increment($"cases.ack-minutes:{doc.AcknowledgedAt:yyyy-MM}", (long)Math.Round((doc.AcknowledgedAt.Value - doc.CreatedAt).TotalMinutes));
        // The others who were called learn it is taken, so nobody calls her twice.
        var told = staffTexts.Get("case.acked_other", new Dictionary<string, string> { ["reference"] = doc.Reference, ["staff"] = staff });
        foreach (var other in options.Value.Rota.Concat(options.Value.Group is { } g ? [g] : []).Where(u => u != staffUrn).Distinct())
            outbox.Send(other, [new OutboundMessage(told, [], "fr") { Kind = OutboundKind.Proactive }], $"case:{doc.Id}:acked:{other}");
        TellVictim(doc, "case.victim_ack", new Dictionary<string, string> { ["reference"] = doc.Reference }, $"case:{doc.Id}:victim-ack", withReply: true);
        return AckResult.Done;
    }

    public bool Close(string reference, string outcome, string by)
    {
        lock (Gate) return CloseLocked(reference, outcome, by);
    }

    private bool CloseLocked(string reference, string outcome, string by)
    {
        var doc = ByReference(reference);
        if (doc is null || doc.Status == CaseStatus.Closed) return false;
        doc.Status = CaseStatus.Closed;
        doc.ClosedAt = time.GetUtcNow().UtcDateTime;
        caseStore.SetOutcome(doc, outcome);
        doc.Notes.Add(caseStore.Note(doc.ClosedAt.Value, by, "note", "closed: " + outcome));
        Cases.Update(doc);
        store.Increment($"cases.closed:{doc.ClosedAt:yyyy-MM}");
        return true;
    }

    public void AddNote(CaseDoc doc, string by, string text, string kind = "note")
    {
        lock (Gate)
        {
            var current = Cases.FindById(doc.Id) ?? doc;
            current.Notes.Add(caseStore.Note(time.GetUtcNow().UtcDateTime, by, kind, text));
            Cases.Update(current);
            doc.Notes = current.Notes;
        }
    }

    /// <summary>A staff message to her, through the bot: she never sees the staff member's number, nor they hers.</summary>
    public bool RelayToVictim(string reference, string text, string by) => Relay(reference, text, null, by);

    /// <summary>A ready-made phrase (<see cref="Phrases"/>), sent in her language whatever the console's language is.</summary>
    public bool RelayPhrase(string reference, string phrase, string by)
    {
        var doc = ByReference(reference);
        if (doc is null || !Phrases.Contains(phrase)) return false;
        return Relay(reference, Phrase(doc, phrase), phrase, by);
    }

    private bool Relay(string reference, string text, string? phrase, string by)
    {
        var doc = ByReference(reference);
        if (doc is null || doc.Status == CaseStatus.Closed || doc.MemberId is null) return false;
        lock (Gate)
        {
            var current = Cases.FindById(doc.Id) ?? doc;
            current.Notes.Add(caseStore.Note(time.GetUtcNow().UtcDateTime, by, "to-her", text, phrase is null ? null : LanguageOf(doc), phrase));
            Cases.Update(current);
            doc.Notes = current.Notes;
        }
        return TellVictim(doc, "relay.from_team", new Dictionary<string, string> { ["reference"] = doc.Reference, ["text"] = text }, $"case:{doc.Id}:relay:{doc.Notes.Count}", withReply: true);
    }

    /// <summary>A second member reported the same man: she is offered support (nothing about the other reporter is said).</summary>
    public bool OfferSupport(CaseDoc doc, string profileId)
    {
        if (doc.Status == CaseStatus.Closed) return false;
        AddNote(doc, "jasmine", "repeat: support offered (profile " + profileId[..8] + ")");
        return TellVictim(doc, "followup.repeat_support", [], $"case:{doc.Id}:repeat:{profileId}", withReply: true);
    }

    private bool TellVictim(CaseDoc doc, string key, Dictionary<string, string> args, string dedupKey, bool withReply)
    {
        if (doc.MemberId is null || members.Find(doc.MemberId) is not { } member) return false;
        if (notifier.AddressOf(member.Id) is not { } urn) return false;
        return notifier.Notify(member, urn, texts =>
        {
            IReadOnlyList<Choice> choices = withReply ? [new Choice(texts.Get("relay.reply"), "relay:" + doc.Reference)] : [];
            return new Reply(Locales.Format(texts.Get(key), args), choices);
        }, dedupKey);
    }

    /// <summary>Her answer goes to whoever holds the case (or to the rota when nobody does yet).</summary>
    public bool RelayFromVictim(string memberId, string reference, string text)
    {
        var doc = ByReference(reference);
        if (doc is null || doc.MemberId != memberId || doc.Status == CaseStatus.Closed) return false;
        lock (Gate)
        {
            var current = Cases.FindById(doc.Id) ?? doc;
            // Her words, in her language: the console names it so nobody reads Romanian as a typo.
            current.Notes.Add(caseStore.Note(time.GetUtcNow().UtcDateTime, "her", "from-her", text, LanguageOf(doc)));
            Cases.Update(current);
            doc.Notes = current.Notes;
        }
        var message = staffTexts.Get("case.reply", new Dictionary<string, string> { ["reference"] = doc.Reference, ["text"] = text, ["language"] = LanguageName(doc.Language) });
        var targets = caseStore.Holder(doc) is { } h ? [Text.BidiControls.Strip(h)] : options.Value.Rota;
        foreach (var target in targets)
            outbox.Send(target, [new OutboundMessage(message, [], "fr") { Kind = OutboundKind.Proactive }], $"case:{doc.Id}:from-her:{doc.Notes.Count}:{target}");
        return true;
    }

    /// <summary>Retention: closed cases lose her contact details after the configured delay.</summary>
    public int EraseClosedContacts(DateTime now)
    {
        var cutoff = now.AddDays(-options.Value.ContactRetentionDays);
        var done = 0;
        foreach (var doc in Cases.Find(c => c.Status == CaseStatus.Closed && !c.ContactErased && c.ClosedAt < cutoff).ToList())
        {
            CaseStore.EraseContact(doc);
            doc.Notes.Clear();
            doc.ContactErased = true;
            Cases.Update(doc);
            done++;
        }
        return done;
    }
}

/// <summary>Hangfire jobs of the follow-up: each run looks at the stored case and does only what is still due.</summary>
public sealed class CaseJobs(CaseService cases, IOptions<FollowUpOptions> options, IBackgroundJobClient jobs, TimeProvider time)
{
    [AutomaticRetry(Attempts = 10)]
    public void Route(string caseId)
    {
        var doc = cases.Cases.FindById(caseId);
        if (doc is null || doc.Status != CaseStatus.Open) return;
        var now = time.GetUtcNow().UtcDateTime;
        var timeout = options.Value.AckTimeout;
        if (doc.Level == 0) cases.NotifyLevel(doc, 1);
        // Nobody on call (the admins were told) or not urgent (the first on call and the console have it): no escalation.
        if (!cases.OnCall || !doc.Severe) return;
        else if (doc.LastNotifiedAt is { } last && now - last >= timeout) cases.NotifyLevel(doc, doc.Level + 1);
        var since = now - (doc.LastNotifiedAt ?? now);
        var next = timeout - since;
        jobs.Schedule<CaseJobs>(j => j.Route(caseId), next > TimeSpan.Zero ? next : TimeSpan.FromSeconds(1));
    }
}
