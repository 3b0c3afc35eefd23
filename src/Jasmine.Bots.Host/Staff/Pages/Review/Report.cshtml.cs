using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Review;

/// <summary>One report, decrypted, with what a moderator decides about the profile it belongs to.</summary>
public sealed class ReportModel(Moderation moderation, ProfileService profiles, FollowUp.CaseService cases, RepeatOffenders repeats, Reports.ReportService reports, IdentifierParser parser) : StaffPage
{
    public string State { get; private set; } = ReviewStates.New;
    public string Language { get; private set; } = "";
    public FollowUp.CaseDoc? Case { get; private set; }
    public ProfileFlagDoc? Flag { get; private set; }
    /// <summary>"tel" or "chat", from the report itself (the case may be gone after retention).</summary>
    public string? ContactWay { get; private set; }
    public string? ContactWhen { get; private set; }
    /// <summary>The number she asked to be called on, once a follow-up staff member asked to see it.</summary>
    public string? ContactShown { get; private set; }

    public ReportView? View { get; private set; }
    public ProfileDoc? Profile { get; private set; }
    public IReadOnlyList<(string Hash, IdentifierKind Kind, string Shown)> ProfileIdentifiers { get; private set; } = [];
    public string? Note { get; private set; }
    public int? ConfirmReach { get; private set; }
    public string? Error { get; private set; }

    public IActionResult OnGet(string reference)
    {
        if (!Load(reference)) return NotFound();
        Record("report.view", View!.Report.Reference);
        return Page();
    }

    public async Task<IActionResult> OnPostClassifyAsync(string reference, string? classification, bool confirmed, CancellationToken ct)
    {
        if (!Load(reference)) return NotFound();
        if (ClassificationNames.FromCli(classification ?? "") is not { } chosen) { Error = "classify.choose"; return Page(); }
        // Warning members is not undone: say how many first.
        if (chosen == Classification.VeryDangerous && Profile!.Classification != Classification.VeryDangerous && !confirmed)
        {
            ConfirmReach = moderation.WarningReach(Profile);
            return Page();
        }
        await moderation.ClassifyAsync(Profile!, chosen, Who, ct);
        moderation.MarkDecided(View!.Report, ReviewStates.Classified, Who);
        return Done(chosen == Classification.VeryDangerous ? "classify.done_warning" : "classify.done", "profile.classify." + ClassificationNames.ToCli(chosen), Profile!.Id, null, new { reference });
    }

    public IActionResult OnPostReviewed(string reference)
    {
        if (!Load(reference)) return NotFound();
        moderation.MarkReviewed(View!.Report, Who);
        return Done("report.reviewed_done", "report.reviewed", View.Report.Reference, "/Review/Index");
    }

    public IActionResult OnPostNote(string reference, string? note)
    {
        if (!Load(reference)) return NotFound();
        moderation.SetNote(Profile!, note);
        return Done("note.saved", "profile.note", Profile!.Id, null, new { reference });
    }

    public IActionResult OnPostMerge(string reference, string? other)
    {
        if (!Load(reference)) return NotFound();
        var candidates = string.IsNullOrWhiteSpace(other) ? [] : moderation.Search(other).Where(p => p.Id != Profile!.Id).ToList();
        if (candidates.Count != 1) { Error = candidates.Count == 0 ? "merge.not_found" : "merge.ambiguous"; return Page(); }
        var source = candidates[0];
        moderation.Merge(Profile!, source, Who);
        moderation.MarkDecided(View!.Report, ReviewStates.Merged, Who);
        return Done("merge.done", "profile.merge", $"{Profile!.Id} <- {source.Id}", null, new { reference });
    }

    public IActionResult OnPostSplit(string reference, string? hash)
    {
        if (!Load(reference)) return NotFound();
        if (hash is null || !Profile!.Identifiers.Any(i => i.Hash == hash) || Profile.Identifiers.Count < 2) { Error = "split.invalid"; return Page(); }
        var created = moderation.Split(Profile, hash, Who);
        return Done("split.done", "profile.split", $"{Profile.Id} -> {created.Id}", null, new { reference });
    }

    /// <summary>The number she gave, decrypted for follow-up staff only (admins are follow-up staff too), and audited.</summary>
    public IActionResult OnPostContact(string reference)
    {
        if (!Load(reference)) return NotFound();
        if (!FollowsUp) return Forbid();
        var how = reports.ContactHow(View!.Report) ?? "";
        ContactShown = how.StartsWith("tel:", StringComparison.Ordinal)
            ? parser.Display(new Identifier(IdentifierKind.Phone, how[4..]))
            : HttpContext.RequestServices.GetRequiredService<StaffUi>()["case.contact_chat"];
        Record("report.contact_shown", View.Report.Reference);
        return Page();
    }

    private bool Load(string reference)
    {
        var report = moderation.Report(reference);
        if (report is null) return false;
        View = moderation.View(report);
        Profile = profiles.Get(report.ProfileId);
        if (Profile is null) return false;
        var pv = moderation.Profile(Profile.Id)!;
        ProfileIdentifiers = pv.Identifiers;
        Note = pv.Note;
        State = moderation.StateOf(report);
        Language = cases.LanguageName(report.Language);
        Case = cases.ByReport(report.Id);
        Flag = repeats.Of(Profile.Id);
        if (report.WantsContact)
        {
            var how = reports.ContactHow(report);
            ContactWay = how is null ? null : how.StartsWith("tel:", StringComparison.Ordinal) ? "tel" : "chat";
            ContactWhen = reports.ContactWhen(report);
        }
        return true;
    }
}
