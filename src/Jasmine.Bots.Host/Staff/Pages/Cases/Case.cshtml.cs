using Jasmine.Bots.FollowUp;
using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Cases;

public sealed record NoteView(DateTime At, string By, string Kind, string Text, string? Language);

/// <summary>One case: the relay conversation with her, and what the follow-up team does next.</summary>
public sealed class CaseModel(CaseService cases, StaffUi ui, PoliceSharing police, Jasmine.Bots.Reports.ReportService reports) : StaffPage
{
    public PoliceConsentDoc? Police { get; private set; }
    private Jasmine.Bots.Storage.ReportDoc? Report => Case is null ? null : reports.FindByReference(Case.Reference);

    public CaseDoc? Case { get; private set; }
    public string? Town { get; private set; }
    public string? ContactWhen { get; private set; }
    public string? Contact { get; private set; }
    public string? Outcome { get; private set; }
    /// <summary>A way to reach her is kept: the console offers to show it.</summary>
    public bool HasContact => Case is not null && CaseService.HasContact(Case);
    public IReadOnlyList<NoteView> Notes { get; private set; } = [];
    public string? Error { get; private set; }
    /// <summary>Her language, named in its own words with its code: "Română (ro)".</summary>
    public string Language { get; private set; } = "";
    public IReadOnlyList<(string Key, string Text)> Phrases { get; private set; } = [];

    public string NameOf(string language) => cases.LanguageName(language);

    public IActionResult OnGet(string reference)
    {
        if (!Load(reference)) return NotFound();
        Record("case.view", Case!.Reference);
        return Page();
    }

    /// <summary>Her number is shown on demand only, and each showing is in the audit log.</summary>
    public IActionResult OnPostContact(string reference)
    {
        if (!Load(reference)) return NotFound();
        var contact = cases.Contact(Case!);
        // "chat:<urn>" means "through the bot": the address itself is never shown, only a phone number she gave to be called on.
        Contact = contact.StartsWith("tel:", StringComparison.Ordinal) ? Phone(contact[4..]) : ui["case.contact_chat"];
        Record("case.contact_shown", Case!.Reference);
        return Page();
    }

    private string Phone(string e164) => HttpContext.RequestServices.GetRequiredService<Jasmine.Bots.Identifiers.IdentifierParser>()
        .Display(new Jasmine.Bots.Identifiers.Identifier(Jasmine.Bots.Identifiers.IdentifierKind.Phone, e164));

    public IActionResult OnPostAcknowledge(string reference)
    {
        if (!Load(reference)) return NotFound();
        var result = cases.Acknowledge(Case!.Reference, Who, null);
        if (result != CaseService.AckResult.Done) { Error = "case.already_taken"; return Page(); }
        return Done("case.acknowledged", "case.acknowledge", Case!.Reference, null, new { reference });
    }

    public IActionResult OnPostRelay(string reference, string? message)
    {
        if (!Load(reference)) return NotFound();
        if (string.IsNullOrWhiteSpace(message) || !cases.RelayToVictim(Case!.Reference, message.Trim(), Who)) { Error = "case.relay_failed"; return Page(); }
        return Done("case.relayed", "case.relay", Case!.Reference, null, new { reference });
    }

    /// <summary>A ready-made phrase, sent in her language: the console shows both, the audit log only which phrase.</summary>
    public IActionResult OnPostPhrase(string reference, string? phrase)
    {
        if (!Load(reference)) return NotFound();
        if (phrase is null || !cases.RelayPhrase(Case!.Reference, phrase, Who)) { Error = "case.relay_failed"; return Page(); }
        return Done("case.relayed", "case.relay.phrase." + phrase, Case!.Reference, null, new { reference });
    }

    /// <summary>Her consent, as she gave it to the staff member recording it: per report, with what she agreed to share.</summary>
    public IActionResult OnPostPoliceRecord(string reference, string[]? shares)
    {
        if (!Load(reference) || Report is not { } report) return NotFound();
        if (!police.Record(report, shares ?? [], Who)) { Error = "police.choose"; return Page(); }
        return Done("police.recorded", "police.consent", Case!.Reference, null, new { reference });
    }

    public IActionResult OnPostPoliceRevoke(string reference)
    {
        if (!Load(reference) || Report is not { } report) return NotFound();
        if (!police.Revoke(report)) { Error = "police.not_allowed"; return Page(); }
        return Done("police.revoked", "police.revoke", Case!.Reference, null, new { reference });
    }

    /// <summary>Only an admin (the authorised staff member) prepares the export; each one is audited.</summary>
    public IActionResult OnPostPoliceExport(string reference)
    {
        if (!Load(reference) || Report is not { } report) return NotFound();
        if (!IsAdmin) return Forbid();
        if (police.Export(report) is not { } text) { Error = "police.not_allowed"; return Page(); }
        Record("police.export", Case!.Reference);
        return File(System.Text.Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8", $"{police.Of(report)!.ExportId}.txt");
    }

    public IActionResult OnPostPoliceSent(string reference)
    {
        if (!Load(reference) || Report is not { } report) return NotFound();
        if (!IsAdmin) return Forbid();
        if (!police.MarkSent(report, Who)) { Error = "police.not_allowed"; return Page(); }
        return Done("police.marked_sent", "police.sent", Case!.Reference, null, new { reference });
    }

    public IActionResult OnPostNote(string reference, string? note)
    {
        if (!Load(reference)) return NotFound();
        if (string.IsNullOrWhiteSpace(note)) { Error = "case.note_empty"; return Page(); }
        cases.AddNote(Case!, Who, note.Trim());
        return Done("case.noted", "case.note", Case!.Reference, null, new { reference });
    }

    public IActionResult OnPostClose(string reference, string? outcome)
    {
        if (!Load(reference)) return NotFound();
        if (string.IsNullOrWhiteSpace(outcome) || !cases.Close(Case!.Reference, outcome.Trim(), Who)) { Error = "case.close_failed"; return Page(); }
        return Done("case.closed", "case.close", Case!.Reference, null, new { reference });
    }

    private bool Load(string reference)
    {
        Case = cases.ByReference(reference);
        if (Case is null) return false;
        Town = CaseService.HasTown(Case) ? cases.Town(Case) : null;
        ContactWhen = CaseService.HasContactWhen(Case) ? cases.ContactWhen(Case) : null;
        Outcome = CaseService.HasOutcome(Case) ? cases.Outcome(Case) : null;
        // Free text from the console has no language of its own; her messages and the phrases are in hers.
        Notes = Case.Notes.Select(n => new NoteView(n.At, n.By, n.Kind, cases.NoteText(n), n.Kind == "from-her" ? n.Language ?? Case.Language : n.Language)).ToList();
        Language = cases.LanguageName(Case.Language);
        Police = Report is { } r ? police.Of(r) : null;
        Phrases = CaseService.Phrases.Select(p => (p, cases.Phrase(Case, p))).ToList();
        return true;
    }
}
