using System.Globalization;
using System.Text;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Reports;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Staff;

public enum PoliceConsentStatus { Consented, Revoked, Sent }

/// <summary>
/// Her explicit consent, per report, to share an anonymised version with the police (as National Ugly Mugs does), and
/// what she agreed to share. Recorded by the follow-up staff member she said it to; revocable until the export is sent.
/// </summary>
public sealed class PoliceConsentDoc
{
    public string Id { get; set; } = "";
    /// <summary>Random, printed on the export instead of her report's reference.</summary>
    public string ExportId { get; set; } = "";
    public PoliceConsentStatus Status { get; set; }
    /// <summary>What she agreed to share: "identifiers", "description", "facts".</summary>
    public List<string> Shares { get; set; } = [];
    public string RecordedBy { get; set; } = "";
    public DateTime RecordedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? SentBy { get; set; }
    public DateTime? SentAt { get; set; }
}

public sealed class PoliceSharing(JasmineStore store, ProfileService profiles, ReportService reports, IdentifierParser parser, TimeProvider time)
{
    public static readonly IReadOnlyList<string> Parts = ["identifiers", "description", "facts"];
    private IDocs<PoliceConsentDoc> Consents => store.Collection<PoliceConsentDoc>("police_consents");

    public PoliceConsentDoc? Of(ReportDoc report) => Consents.FindById(report.Id);

    /// <summary>Records (or renews, after a withdrawal) her consent; an export already sent stays as it is.</summary>
    public bool Record(ReportDoc report, IEnumerable<string> shares, string by)
    {
        var parts = shares.Where(Parts.Contains).Distinct().ToList();
        if (parts.Count == 0 || Of(report) is { Status: PoliceConsentStatus.Sent }) return false;
        Consents.Upsert(new PoliceConsentDoc
        {
            Id = report.Id, ExportId = "J-" + System.Security.Cryptography.RandomNumberGenerator.GetHexString(8, lowercase: false),
            Status = PoliceConsentStatus.Consented, Shares = parts, RecordedBy = by, RecordedAt = Now,
        });
        return true;
    }

    public bool Revoke(ReportDoc report)
    {
        if (Of(report) is not { Status: PoliceConsentStatus.Consented } c) return false;
        c.Status = PoliceConsentStatus.Revoked;
        c.RevokedAt = Now;
        Consents.Update(c);
        return true;
    }

    /// <summary>
    /// The export: only the parts she agreed to, about him and the facts. Never her words, her town, her contact, her
    /// pseudonym, the report's reference or its dates of receipt: nothing that leads back to her.
    /// </summary>
    public string? Export(ReportDoc report)
    {
        if (Of(report) is not { Status: PoliceConsentStatus.Consented } c) return null;
        var sb = new StringBuilder();
        sb.Append("Signalement anonymise ").Append(c.ExportId).Append(" - transmis avec l'accord explicite de la personne\n\n");
        if (c.Shares.Contains("facts"))
        {
            sb.Append("Faits : ").Append(string.Join(", ", report.Categories)).Append('\n');
            sb.Append("Date des faits : ").Append(report.IncidentDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("Departement : ").Append(report.Departement ?? "-").Append('\n');
        }
        if (c.Shares.Contains("identifiers"))
            foreach (var id in report.Identifiers)
                sb.Append("Identifiant (").Append(id.Kind.ToString().ToLowerInvariant()).Append(") : ").Append(parser.Display(profiles.Reveal(id))).Append('\n');
        if (c.Shares.Contains("description") && reports.Description(report) is { } d) sb.Append("Description : ").Append(d).Append('\n');
        return sb.ToString();
    }

    /// <summary>Once sent, the consent can no longer be withdrawn (the police have it): the record says so.</summary>
    public bool MarkSent(ReportDoc report, string by)
    {
        if (Of(report) is not { Status: PoliceConsentStatus.Consented } c) return false;
        c.Status = PoliceConsentStatus.Sent;
        c.SentAt = Now;
        c.SentBy = by;
        Consents.Update(c);
        return true;
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
