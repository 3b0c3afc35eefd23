using System.Security.Cryptography;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Reports;

/// <summary>Everything a finished report holds, in clear, before it crosses the storage boundary.</summary>
public sealed record NewReport(
    string? ReporterId,
    bool OnBehalf,
    IReadOnlyList<Identifier> Identifiers,
    string? Description,
    IReadOnlyList<string> Categories,
    string? OtherCategory,
    DateOnly IncidentDate,
    string? Departement,
    string? Town,
    string? FreeText,
    bool WantsContact,
    string? ContactHow,
    string? ContactWhen,
    string Language);

/// <summary>Notified after a report is saved (follow-up cases and watchlists hang off this).</summary>
public interface IReportListener
{
    void ReportSaved(ReportDoc report, ProfileDoc profile);
}

public sealed class ReportService(JasmineStore store, ReportStore reports, ProfileService profiles, TimeProvider time, IEnumerable<IReportListener> listeners)
{
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    public ReportDoc Save(NewReport report)
    {
        var now = time.GetUtcNow().UtcDateTime;
        ProfileDoc profile;
        ReportDoc doc;
        lock (store)
        {
            profile = profiles.Attach(report.Identifiers, report.Departement);
            foreach (var c in report.Categories) if (!profile.Categories.Contains(c)) profile.Categories.Add(c);
            var incident = report.IncidentDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            if (profile.LastReportAt is null || incident > profile.LastReportAt) profile.LastReportAt = incident;
            profile.ReportCount++;
            profiles.Update(profile);

            doc = new ReportDoc
            {
                Id = Guid.NewGuid().ToString("N"),
                Reference = NewReference(),
                ReporterId = report.ReporterId,
                OnBehalf = report.OnBehalf,
                ProfileId = profile.Id,
                Identifiers = report.Identifiers.Select(profiles.Protect).ToList(),
                Categories = report.Categories.ToList(),
                IncidentDate = incident,
                Departement = report.Departement,
                WantsContact = report.WantsContact,
                Language = report.Language,
                CreatedAt = now,
            };
            reports.Insert(doc, new ReportTexts(report.Description, report.OtherCategory, report.Town,
                string.IsNullOrWhiteSpace(report.FreeText) ? null : report.FreeText, report.ContactHow, report.ContactWhen));
        }

        // Evidence for law change: counts only, by month of the incident, category, département and on-behalf flag.
        var month = report.IncidentDate.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var c in report.Categories) store.Increment($"reports:{month}:{c}");
        store.Increment($"reports.total:{month}");
        if (report.Departement is { } d) store.Increment($"reports.departement:{month}:{d}");
        if (report.OnBehalf) store.Increment($"reports.on-behalf:{month}");

        foreach (var listener in listeners) listener.ReportSaved(doc, profile);
        return doc;
    }

    private string NewReference()
    {
        for (var length = 4; ; length++)
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var reference = "R-" + RandomNumberGenerator.GetString(Alphabet, length);
                if (!store.Reports.Exists(r => r.Reference == reference)) return reference;
            }
        }
    }

    public ReportDoc? FindByReference(string reference) => store.Reports.FindOne(r => r.Reference == reference.Trim().ToUpperInvariant());

    public string? FreeText(ReportDoc report) => Text.BidiControls.StripOrNull(reports.FreeText(report));
    public string? Town(ReportDoc report) => Text.BidiControls.StripOrNull(reports.Town(report));
    public string? Description(ReportDoc report) => Text.BidiControls.StripOrNull(reports.Description(report));
    public string? OtherCategory(ReportDoc report) => Text.BidiControls.StripOrNull(reports.OtherCategory(report));
    public string? ContactHow(ReportDoc report) => Text.BidiControls.StripOrNull(reports.ContactHow(report));
    public string? ContactWhen(ReportDoc report) => Text.BidiControls.StripOrNull(reports.ContactWhen(report));
}
