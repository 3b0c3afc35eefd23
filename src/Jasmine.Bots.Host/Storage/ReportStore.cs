namespace Jasmine.Bots.Storage;

/// <summary>What a report holds in clear before it is stored: each is encrypted under a purpose of its own.</summary>
public sealed record ReportTexts(string? Description, string? OtherCategory, string? Town, string? FreeText, string? ContactHow, string? ContactWhen);

/// <summary>
/// Reports as stored: what she wrote and how to reach her are encrypted. Callers hand in and get back clear values
/// (as stored: stripping what must not be shown is theirs to do).
/// </summary>
public sealed class ReportStore(JasmineStore store)
{
    // The purposes are part of the stored data: changing one makes every report written before unreadable.
    private const string FreeTextPurpose = "report.freetext";
    private const string DescriptionPurpose = "report.description";
    private const string ContactPurpose = "report.contact";
    private const string TownPurpose = "report.town";
    private const string OtherPurpose = "report.other";

    /// <summary>Adds the report with its texts encrypted.</summary>
    public void Insert(ReportDoc doc, ReportTexts texts)
    {
        doc.DescriptionEnc = store.Protector.ProtectOrNull(DescriptionPurpose, texts.Description);
        doc.OtherCategoryEnc = store.Protector.ProtectOrNull(OtherPurpose, texts.OtherCategory);
        doc.TownEnc = store.Protector.ProtectOrNull(TownPurpose, texts.Town);
        doc.FreeTextEnc = store.Protector.ProtectOrNull(FreeTextPurpose, texts.FreeText);
        doc.ContactHowEnc = store.Protector.ProtectOrNull(ContactPurpose, texts.ContactHow);
        doc.ContactWhenEnc = store.Protector.ProtectOrNull(ContactPurpose, texts.ContactWhen);
        store.Reports.Insert(doc);
    }

    public string? FreeText(ReportDoc report) => store.Protector.UnprotectOrNull(FreeTextPurpose, report.FreeTextEnc);
    public string? Town(ReportDoc report) => store.Protector.UnprotectOrNull(TownPurpose, report.TownEnc);
    public string? Description(ReportDoc report) => store.Protector.UnprotectOrNull(DescriptionPurpose, report.DescriptionEnc);
    public string? OtherCategory(ReportDoc report) => store.Protector.UnprotectOrNull(OtherPurpose, report.OtherCategoryEnc);
    public string? ContactHow(ReportDoc report) => store.Protector.UnprotectOrNull(ContactPurpose, report.ContactHowEnc);
    public string? ContactWhen(ReportDoc report) => store.Protector.UnprotectOrNull(ContactPurpose, report.ContactWhenEnc);

    /// <summary>Her reports stay for the others' safety, detached from her and without the way to reach her.</summary>
    public void DetachReporter(string memberId)
    {
        foreach (var report in store.Reports.Find(r => r.ReporterId == memberId).ToList())
        {
            report.ReporterId = null;
            report.ContactHowEnc = null;
            report.ContactWhenEnc = null;
            store.Reports.Update(report);
        }
    }
}
