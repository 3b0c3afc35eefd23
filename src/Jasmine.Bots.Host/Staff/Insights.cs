using System.Collections.Concurrent;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Reports;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Staff;

public static class StaffInsightsExtensions
{
    /// <summary>What the console knows beyond the bot's own records: review states, repeat-offender flags, partial search.</summary>
    public static IHostApplicationBuilder AddStaffInsights(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReviewStates>();
        builder.Services.AddSingleton<RepeatOffenders>();
        builder.Services.AddSingleton<IReportListener>(sp => sp.GetRequiredService<RepeatOffenders>());
        builder.Services.AddSingleton<PeriodReport>();
        builder.Services.AddSingleton<PoliceSharing>();
        builder.Services.AddSingleton<PartialSearch>();
        builder.Services.AddSingleton<IReportListener>(sp => sp.GetRequiredService<PartialSearch>());
        return builder;
    }
}

/// <summary>What a moderator did with a report: "reviewed", "classified" (its profile) or "merged" (its profile into another).</summary>
public sealed class ReviewStateDoc
{
    public string Id { get; set; } = "";
    public string State { get; set; } = "";
    public string By { get; set; } = "";
    public DateTime At { get; set; }
}

public sealed class ReviewStates(JasmineStore store, TimeProvider time)
{
    public const string New = "new", Reviewed = "reviewed", Classified = "classified", Merged = "merged";
    private IDocs<ReviewStateDoc> States => store.Collection<ReviewStateDoc>("report_reviews");

    /// <summary>The report leaves the queue: whatever a moderator decided about it counts as reading it.</summary>
    public void Set(ReportDoc report, string state, string by)
    {
        store.InTransaction(() =>
        {
            States.Upsert(new ReviewStateDoc { Id = report.Id, State = state, By = by, At = time.GetUtcNow().UtcDateTime });
            if (!report.Reviewed)
            {
                report.Reviewed = true;
                store.Reports.Update(report);
            }
        });
    }

    public string Of(ReportDoc report) => States.FindById(report.Id)?.State ?? (report.Reviewed ? Reviewed : New);

    public IReadOnlyDictionary<string, string> Of(IEnumerable<ReportDoc> reports) => reports.ToDictionary(r => r.Reference, Of);
}

/// <summary>A profile named by reports of at least two different members within <see cref="RepeatOffenders.Window"/>.</summary>
public sealed class ProfileFlagDoc
{
    public string Id { get; set; } = "";
    public int Reporters { get; set; }
    public DateTime FlaggedAt { get; set; }
}

/// <summary>
/// Repeat offenders surface: a second, independent report (another member) naming an existing profile flags it for staff,
/// and each reporter who agreed to be contacted is offered support through her own case. Neither ever learns of the other.
/// </summary>
public sealed class RepeatOffenders(JasmineStore store, CaseService cases, TimeProvider time, ILogger<RepeatOffenders> logger) : IReportListener
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);
    private IDocs<ProfileFlagDoc> Flags => store.Collection<ProfileFlagDoc>("profile_flags");

    public void ReportSaved(ReportDoc report, ProfileDoc profile)
    {
        if (report.ReporterId is null) return;
        var since = time.GetUtcNow().UtcDateTime - Window;
        var recent = store.Reports.Find(r => r.ProfileId == profile.Id && r.CreatedAt >= since).Where(r => r.ReporterId is not null).ToList();
        var reporters = recent.Select(r => r.ReporterId).Distinct().Count();
        if (reporters < 2) return;
        Flags.Upsert(new ProfileFlagDoc { Id = profile.Id, Reporters = reporters, FlaggedAt = time.GetUtcNow().UtcDateTime });
        var offered = 0;
        foreach (var r in recent.Where(r => r.WantsContact))
            if (cases.ByReport(r.Id) is { } c && cases.OfferSupport(c, profile.Id)) offered++;
        logger.LogInformation("Profile flagged: reported by {Reporters} members in 30 days, support offered {Offered} time(s)", reporters, offered);
    }

    /// <summary>The flag while it is fresh: "reported by N members in 30 days" is only true for 30 days.</summary>
    public ProfileFlagDoc? Of(string profileId) =>
        Flags.FindById(profileId) is { } f && f.FlaggedAt >= time.GetUtcNow().UtcDateTime - Window ? f : null;

    public int CountFlagged()
    {
        var since = time.GetUtcNow().UtcDateTime - Window;
        return Flags.Count(f => f.FlaggedAt >= since);
    }
}

/// <summary>One keyed hash of a fragment of an identifier, pointing at its profile. Never read by the members' screening.</summary>
public sealed class FragmentDoc
{
    public string Id { get; set; } = DocIds.New();
    public string Hash { get; set; } = "";
    public string ProfileId { get; set; } = "";
}

public enum FragmentKind { Phone, Plate, Email, Name }

/// <summary>
/// Partial search for staff (as British Columbia's planned Bad Date reporting has): the last 4 or 6 digits of a number,
/// 3 or 4 characters of a plate, an e-mail domain, the start of a name. Each fragment is kept only as a keyed hash
/// under a purpose of its own ("staff.fragment"), in a collection the members' screening never reads, so screening
/// stays exact-match and the identifier store is no weaker. Staff only, rate-limited per login, every search audited
/// (the kind searched, never the text).
/// </summary>
public sealed class PartialSearch(JasmineStore store, ProfileStore identifiers, ProfileService profiles, TimeProvider time) : IReportListener
{
    public const int Limit = 20;
    public static readonly TimeSpan Per = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, Queue<DateTime>> _recent = new(StringComparer.Ordinal);

    private IDocs<FragmentDoc> Fragments
    {
        get
        {
            var c = store.Collection<FragmentDoc>("staff_fragments");
            c.EnsureIndex(f => f.Hash);
            c.EnsureIndex(f => f.ProfileId);
            return c;
        }
    }

    public void ReportSaved(ReportDoc report, ProfileDoc profile) => Reindex(profile);

    /// <summary>After a report, a merge or a split: the profile's fragments are rebuilt from its identifiers.</summary>
    public void Reindex(ProfileDoc profile)
    {
        var fragments = Fragments;
        fragments.DeleteMany(f => f.ProfileId == profile.Id);
        var hashes = profile.Identifiers.SelectMany(i => FragmentsOf(profiles.Reveal(i))).Distinct().Select(Hash);
        fragments.InsertBulk(hashes.Select(h => new FragmentDoc { Hash = h, ProfileId = profile.Id }));
    }

    public void Forget(string profileId) => Fragments.DeleteMany(f => f.ProfileId == profileId);

    public static IEnumerable<string> FragmentsOf(Identifier id)
    {
        switch (id.Kind)
        {
            case IdentifierKind.Phone:
                var digits = new string(id.Value.Where(char.IsAsciiDigit).ToArray());
                if (digits.Length >= 4) yield return "phone:" + digits[^4..];
                if (digits.Length >= 6) yield return "phone:" + digits[^6..];
                break;
            case IdentifierKind.Plate:
                foreach (var n in new[] { 3, 4 })
                    for (var i = 0; i + n <= id.Value.Length; i++) yield return "plate:" + id.Value.Substring(i, n);
                break;
            case IdentifierKind.Email:
                if (id.Value.LastIndexOf('@') is var at and >= 0) yield return "email:" + id.Value[(at + 1)..];
                break;
            case IdentifierKind.Name:
                foreach (var word in id.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    for (var n = 3; n <= word.Length; n++) yield return "name:" + word[..n];
                break;
        }
    }

    /// <summary>The fragment as it is hashed, or null when the text cannot be one (too short, too long, wrong kind).</summary>
    public static string? QueryFragment(FragmentKind kind, string text, IdentifierParser parser)
    {
        var t = text.Trim();
        switch (kind)
        {
            case FragmentKind.Phone:
                var digits = new string(t.Where(char.IsAsciiDigit).ToArray());
                return digits.Length is 4 or 6 && t.All(c => char.IsAsciiDigit(c) || c is ' ' or '.' or '-') ? "phone:" + digits : null;
            case FragmentKind.Plate:
                var compact = new string(t.Where(char.IsAsciiLetterOrDigit).ToArray()).ToUpperInvariant();
                return compact.Length is 3 or 4 ? "plate:" + compact : null;
            case FragmentKind.Email:
                var domain = t.TrimStart('@').ToLowerInvariant();
                return domain.Contains('.') && !domain.Contains('@') && !domain.Any(char.IsWhiteSpace) && domain.Length <= 100 ? "email:" + domain : null;
            case FragmentKind.Name:
                // Folded exactly as names are when stored (case, accents, scripts).
                var folded = parser.Normalize(IdentifierKind.Name, t)?.Value;
                return folded is { Length: >= 3 } && !folded.Contains(' ') ? "name:" + folded : null;
            default:
                return null;
        }
    }

    public enum Outcome { Found, Invalid, Limited }

    public (Outcome Outcome, IReadOnlyList<ProfileDoc> Profiles) Find(string staff, string? fragment, string? category, string? departement)
    {
        if (fragment is null) return (Outcome.Invalid, []);
        if (!Allow(staff)) return (Outcome.Limited, []);
        EnsureBuilt();
        var hash = Hash(fragment);
        var found = Fragments.Find(f => f.Hash == hash).Select(f => f.ProfileId).Distinct()
            .Select(profiles.Get).OfType<ProfileDoc>()
            .Where(p => category is null || p.Categories.Contains(category))
            .Where(p => departement is null || p.Departement == departement)
            .OrderByDescending(p => p.LastReportAt).ToList();
        return (Outcome.Found, found);
    }

    private bool Allow(string staff)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var queue = _recent.GetOrAdd(staff, _ => new Queue<DateTime>());
        lock (queue)
        {
            while (queue.Count > 0 && now - queue.Peek() >= Per) queue.Dequeue();
            if (queue.Count >= Limit) return false;
            queue.Enqueue(now);
            return true;
        }
    }

    /// <summary>Profiles made before this index existed get their fragments on the first search.</summary>
    private void EnsureBuilt()
    {
        var meta = store.Collection<FragmentsBuiltDoc>("staff_fragments_meta");
        if (meta.FindById("built") is not null) return;
        foreach (var p in store.Profiles.FindAll().ToList()) Reindex(p);
        meta.Upsert(new FragmentsBuiltDoc { Id = "built", At = time.GetUtcNow().UtcDateTime });
    }

    private string Hash(string fragment) => identifiers.FragmentHash(fragment);
}

/// <summary>When the fragment index was first built from every profile (later profiles are indexed as they are saved).</summary>
public sealed class FragmentsBuiltDoc
{
    public string Id { get; set; } = "";
    public DateTime At { get; set; }
}
