using Jasmine.Bots.Admin;
using Jasmine.Bots.Alerts;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Members;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Reports;
using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Staff;

/// <summary>A report as a moderator reads it: everything decrypted, for staff eyes only.</summary>
public sealed record ReportView(
    ReportDoc Report,
    IReadOnlyList<(string Hash, IdentifierKind Kind, string Shown)> Identifiers,
    string? Town,
    string? Description,
    string? FreeText,
    string? OtherCategory,
    bool Severe);

public sealed record ProfileView(ProfileDoc Profile, IReadOnlyList<(string Hash, IdentifierKind Kind, string Shown)> Identifiers, string? Note, IReadOnlyList<ReportDoc> Reports);

/// <summary>The review queue's filters: everything or only what is not reviewed, severe only, a département, a month received (yyyy-MM).</summary>
public sealed record QueueFilter(bool All = false, bool SevereOnly = false, string? Departement = null, string? Month = null);

/// <summary>What moderators do to reports and profiles. The rules of the bot (hashes, index, listeners) are kept exactly.</summary>
public sealed class Moderation(
    JasmineStore store,
    ProfileService profiles,
    ReportService reports,
    IdentifierParser parser,
    IEnumerable<IClassificationListener> listeners,
    IOptions<WarningsOptions> warnings,
    ReviewStates states,
    PartialSearch fragments,
    TimeProvider time)
{
    public static bool IsSevere(ReportDoc r) => r.Categories.Any(ReportCategories.SevereByDefault.Contains);

    /// <summary>Not yet reviewed: the severe ones first, then the oldest.</summary>
    public IReadOnlyList<ReportDoc> Queue() => Queue(new QueueFilter());

    /// <summary>The queue through the moderator's filters (not reviewed by default); severe first, then oldest.</summary>
    public IReadOnlyList<ReportDoc> Queue(QueueFilter filter)
    {
        var found = filter.All ? store.Reports.FindAll() : store.Reports.Find(r => !r.Reviewed);
        return found
            .Where(r => !filter.SevereOnly || IsSevere(r))
            .Where(r => filter.Departement is null || r.Departement == filter.Departement)
            .Where(r => filter.Month is null || r.CreatedAt.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture) == filter.Month)
            .OrderByDescending(IsSevere).ThenBy(r => r.CreatedAt).ToList();
    }

    public int ToReview() => store.Reports.Count(r => !r.Reviewed);

    public string StateOf(ReportDoc r) => states.Of(r);

    public ReportDoc? Report(string reference) => reports.FindByReference(reference);

    public ReportView View(ReportDoc r) => new(r, Reveal(r.Identifiers), reports.Town(r), reports.Description(r), reports.FreeText(r),
        reports.OtherCategory(r), IsSevere(r));

    public ProfileView? Profile(string profileId)
    {
        var p = profiles.Get(profileId);
        if (p is null) return null;
        var list = store.Reports.Find(r => r.ProfileId == p.Id).OrderByDescending(r => r.CreatedAt).ToList();
        return new ProfileView(p, Reveal(p.Identifiers), profiles.Note(p), list);
    }

    /// <summary>Read exactly as screening reads it: extracted from text, else taken as a name or handle.</summary>
    public IReadOnlyList<ProfileDoc> Search(string text)
    {
        var found = parser.Extract(text).ToList();
        if (found.Count == 0)
            foreach (var kind in new[] { IdentifierKind.Name, IdentifierKind.Handle, IdentifierKind.Email, IdentifierKind.Plate })
                if (parser.Normalize(kind, text) is { } id) found.Add(id);
        return found.Select(profiles.Find).OfType<ProfileDoc>().DistinctBy(p => p.Id).ToList();
    }

    public void MarkReviewed(ReportDoc r, string by = "staff") => states.Set(r, ReviewStates.Reviewed, by);

    /// <summary>A classification or a merge made from a report's page is its review: it leaves the queue with that state.</summary>
    public void MarkDecided(ReportDoc r, string state, string by) => states.Set(r, state, by);

    /// <summary>How many members the push warning would reach, by the same rules as <see cref="WarningsService"/>.</summary>
    public int WarningReach(ProfileDoc profile)
    {
        var count = 0;
        foreach (var m in store.Members.Find(m => m.Status == MemberStatus.Active && m.Warnings != WarningScope.None))
        {
            var sameArea = profile.Departement is null || m.Departement == profile.Departement;
            if (m.Warnings == WarningScope.Departement && !sameArea) continue;
            var channels = store.Addresses.Find(a => a.MemberId == m.Id && !a.Unreachable).Select(a => a.Channel).ToList();
            if (channels.Count == 0) continue;
            if (channels.All(c => c == "tel") && warnings.Value.SmsOnlyForOwnDepartement && !sameArea) continue;
            count++;
        }
        return count;
    }

    /// <summary>Sets the classification and tells the listeners, as the "classify" command does (a very dangerous one starts the push warning).</summary>
    public async Task<string> ClassifyAsync(ProfileDoc profile, Classification classification, string by, CancellationToken ct)
    {
        var previous = profile.Classification;
        profile.Classification = classification;
        profile.History.Add(new ClassificationEvent { Classification = classification, At = Now, By = by });
        profiles.Update(profile);
        var output = new StringWriter();
        foreach (var listener in listeners) await listener.ClassifiedAsync(profile, previous, output, ct);
        return output.ToString();
    }

    public void SetNote(ProfileDoc profile, string? text) => profiles.SetNote(profile, text);

    /// <summary>
    /// Moves everything of <paramref name="source"/> into <paramref name="target"/> (identifiers, index entries, reports,
    /// history) and deletes the source. The stricter classification wins, so that a merge never makes him look safer.
    /// </summary>
    public void Merge(ProfileDoc target, ProfileDoc source, string by)
    {
        if (target.Id == source.Id) throw new InvalidOperationException("A profile cannot be merged into itself.");
        lock (store)
        {
            // One transaction; ProfileService.Update re-points the index entries (and the screening index after commit).
            store.InTransaction(() =>
            {
                foreach (var id in source.Identifiers)
                    if (!target.Identifiers.Any(t => t.Hash == id.Hash)) target.Identifiers.Add(id);
                foreach (var r in store.Reports.Find(r => r.ProfileId == source.Id).ToList())
                {
                    r.ProfileId = target.Id;
                    store.Reports.Update(r);
                }
                foreach (var c in source.Categories) if (!target.Categories.Contains(c)) target.Categories.Add(c);
                target.ReportCount += source.ReportCount;
                if (source.LastReportAt > (target.LastReportAt ?? DateTime.MinValue)) target.LastReportAt = source.LastReportAt;
                target.Departement ??= source.Departement;
                target.CreatedAt = target.CreatedAt < source.CreatedAt ? target.CreatedAt : source.CreatedAt;
                var merged = Stricter(target.Classification, source.Classification);
                target.History = [.. target.History.Concat(source.History).OrderBy(h => h.At)];
                target.History.Add(new ClassificationEvent { Classification = merged, At = Now, By = $"{by} (merge {source.Id[..8]})" });
                target.Classification = merged;
                ProfileStore.KeepNote(target, source);
                store.Profiles.Delete(source.Id);
                profiles.Update(target);
                fragments.Forget(source.Id);
                fragments.Reindex(target);
            });
        }
    }

    /// <summary>An identifier that is not him after all goes to a new pending profile, with the reports that named only it.</summary>
    public ProfileDoc Split(ProfileDoc profile, string identifierHash, string by)
    {
        var id = profile.Identifiers.FirstOrDefault(i => i.Hash == identifierHash) ?? throw new KeyNotFoundException("No such identifier on this profile.");
        if (profile.Identifiers.Count < 2) throw new InvalidOperationException("The last identifier of a profile cannot be split off.");
        lock (store)
        {
            return store.InTransaction(() =>
            {
                var created = new ProfileDoc
                {
                    Id = Guid.NewGuid().ToString("N"),
                    Classification = Classification.Pending,
                    CreatedAt = Now,
                    Departement = profile.Departement,
                    Identifiers = [id],
                };
                created.History.Add(new ClassificationEvent { Classification = Classification.Pending, At = Now, By = $"{by} (split from {profile.Id[..8]})" });
                profile.Identifiers.RemoveAll(i => i.Hash == identifierHash);
                foreach (var r in store.Reports.Find(r => r.ProfileId == profile.Id).ToList().Where(r => r.Identifiers.Count > 0 && r.Identifiers.All(i => i.Hash == identifierHash)))
                {
                    r.ProfileId = created.Id;
                    store.Reports.Update(r);
                    created.ReportCount++;
                    profile.ReportCount--;
                    foreach (var c in r.Categories) if (!created.Categories.Contains(c)) created.Categories.Add(c);
                    if (r.IncidentDate > (created.LastReportAt ?? DateTime.MinValue)) created.LastReportAt = r.IncidentDate;
                }
                profile.History.Add(new ClassificationEvent { Classification = profile.Classification, At = Now, By = $"{by} (split {created.Id[..8]} off)" });
                store.Profiles.Insert(created);
                profiles.Update(created);
                profiles.Update(profile);
                fragments.Reindex(created);
                fragments.Reindex(profile);
                return created;
            });
        }
    }

    private static readonly Classification[] Strictness = [Classification.VeryDangerous, Classification.Risky, Classification.Annoying, Classification.Pending, Classification.NotSignaled];
    private static Classification Stricter(Classification a, Classification b) => Array.IndexOf(Strictness, a) <= Array.IndexOf(Strictness, b) ? a : b;

    private List<(string Hash, IdentifierKind Kind, string Shown)> Reveal(IEnumerable<ProfileIdentifier> ids) =>
        ids.Select(i => (i.Hash, i.Kind, parser.Display(profiles.Reveal(i)))).ToList();

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
