using Jasmine.Bots.FollowUp;

namespace Jasmine.Bots.Storage;

/// <summary>
/// Follow-up cases as stored: her town, how and when to reach her, who holds the case, its outcome and every note
/// are encrypted. Callers set and read clear values (as stored: stripping what must not be shown is theirs to do).
/// </summary>
public sealed class CaseStore(JasmineStore store)
{
    // The purpose is part of the stored data: changing it makes every case written before unreadable.
    private const string Purpose = "case";

    public IDocs<CaseDoc> Cases => store.Collection<CaseDoc>("cases");

    public void SetTown(CaseDoc doc, string? town) => doc.TownEnc = Protect(town);
    public void SetContact(CaseDoc doc, string? contact) => doc.ContactEnc = Protect(contact);
    public void SetContactWhen(CaseDoc doc, string? when) => doc.ContactWhenEnc = Protect(when);
    public void SetHolder(CaseDoc doc, string? staffUrn) => doc.HolderEnc = Protect(staffUrn);
    public void SetOutcome(CaseDoc doc, string outcome) => doc.OutcomeEnc = Protect(outcome);

    public string? Town(CaseDoc doc) => Unprotect(doc.TownEnc);
    public string? Contact(CaseDoc doc) => Unprotect(doc.ContactEnc);
    public string? ContactWhen(CaseDoc doc) => Unprotect(doc.ContactWhenEnc);
    public string? Holder(CaseDoc doc) => Unprotect(doc.HolderEnc);
    public string? Outcome(CaseDoc doc) => Unprotect(doc.OutcomeEnc);

    /// <summary>Whether a way to reach her is kept (shown on demand only, so without decrypting it).</summary>
    public static bool HasContact(CaseDoc doc) => doc.ContactEnc is not null;
    public static bool HasTown(CaseDoc doc) => doc.TownEnc is not null;
    public static bool HasContactWhen(CaseDoc doc) => doc.ContactWhenEnc is not null;
    public static bool HasOutcome(CaseDoc doc) => doc.OutcomeEnc is not null;

    /// <summary>A note with its text encrypted.</summary>
    public CaseNote Note(DateTime at, string by, string kind, string text, string? language = null, string? phrase = null) =>
        new() { At = at, By = by, Kind = kind, TextEnc = store.Protector.Protect(Purpose, text), Language = language, Phrase = phrase };

    public string NoteText(CaseNote note) => store.Protector.Unprotect(Purpose, note.TextEnc);

    /// <summary>Forgets how to reach her and who held the case (the notes are the caller's to clear).</summary>
    public static void EraseContact(CaseDoc doc)
    {
        doc.ContactEnc = null;
        doc.ContactWhenEnc = null;
        doc.HolderEnc = null;
    }

    private string? Protect(string? value) => store.Protector.ProtectOrNull(Purpose, value);
    private string? Unprotect(string? value) => store.Protector.UnprotectOrNull(Purpose, value);
}
