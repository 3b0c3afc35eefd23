using Hangfire;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Jobs;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Members;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Reports;
using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Alerts;

public sealed class WarningsOptions
{
    public const string Section = "Jasmine:Warnings";
    /// <summary>SMS costs money and reaches basic phones: members reachable only by SMS get warnings for their own département only.</summary>
    public bool SmsOnlyForOwnDepartement { get; set; } = true;
    public int BatchSize { get; set; } = 200;
    public int WatchDays { get; set; } = 30;
}

public enum FanoutStatus { Running, Done }

/// <summary>One push warning to everyone concerned; <see cref="Cursor"/> makes it resumable after a crash.</summary>
public sealed class FanoutDoc
{
    public string Id { get; set; } = "";
    public string ProfileId { get; set; } = "";
    public string? Departement { get; set; }
    public FanoutStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    /// <summary>Members are walked in id order; everyone up to this id has been considered.</summary>
    public string Cursor { get; set; } = "";
    public int Queued { get; set; }
    public int Considered { get; set; }
}

public sealed class WatchDoc
{
    public string Id { get; set; } = DocIds.New();
    public string IdentifierHash { get; set; } = "";
    public string MemberId { get; set; } = "";
    public DateTime ExpiresAt { get; set; }
}

/// <summary>Push warnings (a profile newly classified very dangerous) and the watchlist (tell me if he gets reported).</summary>
public sealed class WarningsService(
    JasmineStore store,
    IServiceProvider services,
    MemberService members,
    ProfileService profiles,
    IdentifierParser identifiers,
    Notifier notifier,
    IOptions<WarningsOptions> options,
    TimeProvider time,
    AlertAreas areas,
    ILogger<WarningsService> logger) : IClassificationListener, IReportListener, IRecoverable
{
    public IDocs<FanoutDoc> Fanouts => store.Collection<FanoutDoc>("fanouts");
    private IDocs<WatchDoc> Watches => store.Collection<WatchDoc>("watches");
    private IBackgroundJobClient Jobs => services.GetRequiredService<IBackgroundJobClient>();

    public Task ClassifiedAsync(ProfileDoc profile, Classification previous, TextWriter output, CancellationToken ct)
    {
        if (profile.Classification == Classification.VeryDangerous && previous != Classification.VeryDangerous)
        {
            var fanout = Start(profile);
            output.WriteLine($"Push warning {fanout.Id[..8]} queued for members of {(profile.Departement is null ? "all of France" : "département " + profile.Departement)}.");
        }
        if (profile.Classification is Classification.VeryDangerous or Classification.Risky && profile.Classification != previous)
        {
            var told = ClassificationToWatchers(profile);
            if (told > 0) output.WriteLine($"{told} member(s) watching this profile told of its classification.");
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Those who asked to watch one of its identifiers hear of a new classification, discreetly like every proactive
    /// message; a very dangerous one that the push warning will already bring her is not said twice.
    /// </summary>
    private int ClassificationToWatchers(ProfileDoc profile)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var key = profile.Classification == Classification.VeryDangerous ? "watch.classified_very_dangerous" : "watch.classified_risky";
        var told = 0;
        foreach (var id in profile.Identifiers)
        {
            foreach (var watch in Watches.Find(w => w.IdentifierHash == id.Hash && w.ExpiresAt > now).ToList())
            {
                if (members.Find(watch.MemberId) is not { Status: MemberStatus.Active } member) continue;
                if (profile.Classification == Classification.VeryDangerous && Concerned(member, profile.Departement) is not null) continue;
                if (notifier.AddressOf(member.Id) is not { } urn) continue;
                var shown = identifiers.Display(profiles.Reveal(id));
                if (notifier.Notify(member, urn, texts => new Reply(Locales.Format(texts.Get(key), new Dictionary<string, string> { ["identifier"] = shown })),
                        $"watch:{watch.Id}:classified:{profile.Classification}")) told++;
            }
        }
        return told;
    }

    public FanoutDoc Start(ProfileDoc profile)
    {
        var doc = new FanoutDoc
        {
            Id = Guid.NewGuid().ToString("N"),
            ProfileId = profile.Id,
            Departement = profile.Departement,
            Status = FanoutStatus.Running,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        Fanouts.Insert(doc);
        store.AfterCommit(() => Jobs.Enqueue<WarningJobs>(j => j.Run(doc.Id)));
        return doc;
    }

    public void Recover(IBackgroundJobClient jobs)
    {
        foreach (var f in Fanouts.Find(f => f.Status == FanoutStatus.Running).ToList()) jobs.Enqueue<WarningJobs>(j => j.Run(f.Id));
    }

    public static string OriginOf(FanoutDoc fanout) => "fanout:" + fanout.Id;

    /// <summary>Queues the next batch; false when every member has been considered.</summary>
    /// <remarks>
    /// One transaction per batch: the warnings, their dedup keys and the cursor reach the disk together, so a
    /// crash leaves either the whole batch or none of it (then it is redone), and a batch of 200 costs one commit
    /// instead of 200 — the difference between queueing faster than the channel sends and not.
    /// </remarks>
    public bool RunBatch(FanoutDoc fanout) => store.InTransaction(() =>
    {
        var profile = profiles.Get(fanout.ProfileId);
        if (profile is null) { Finish(fanout); return false; }
        var cursor = fanout.Cursor;
        var batch = store.Members.After(cursor, options.Value.BatchSize).ToList();
        if (batch.Count == 0) { Finish(fanout); return false; }
        var shown = profile.Identifiers.Select(profiles.Reveal).Select(identifiers.Display).ToList();
        var origin = OriginOf(fanout);
        var severity = SeverityRank(profile);
        foreach (var member in batch)
        {
            fanout.Considered++;
            if (Concerned(member, fanout.Departement) is not { } urn) continue;
            // Only SMS has a daily budget, so only there does the order matter: the worst first, her own area first.
            var priority = Channels.Outbox.OutboxStore.ProactivePriority(severity, fanout.Departement is not null && (member.Departement == fanout.Departement || areas.Current(member.Id).Contains(fanout.Departement)), member.Departement);
            var sent = notifier.Notify(member, urn, texts => WarningText(texts, shown, profile), $"fanout:{fanout.Id}:{member.Id}", origin, priority);
            if (sent) fanout.Queued++;
        }
        fanout.Cursor = batch[^1].Id;
        Fanouts.Update(fanout);
        logger.LogInformation("Push warning {Fanout}: {Considered} members considered, {Queued} warnings queued", fanout.Id[..8], fanout.Considered, fanout.Queued);
        return true;
    });

    /// <summary>0 for the gravest category the profile was reported for (the order of <see cref="ReportCategories.All"/>).</summary>
    public static int SeverityRank(ProfileDoc profile)
    {
        var ranks = profile.Categories.Select(c => ReportCategories.All.ToList().IndexOf(c)).Where(i => i >= 0).ToList();
        return ranks.Count == 0 ? ReportCategories.All.Count : ranks.Min();
    }

    private void Finish(FanoutDoc fanout)
    {
        fanout.Status = FanoutStatus.Done;
        fanout.FinishedAt = time.GetUtcNow().UtcDateTime;
        Fanouts.Update(fanout);
        store.Increment($"warnings.sent:{fanout.CreatedAt:yyyy-MM}", fanout.Queued);
    }

    private string? Concerned(MemberDoc member, string? departement)
    {
        if (member.Status != MemberStatus.Active || member.Warnings == WarningScope.None) return null;
        var sameArea = departement is null || member.Departement == departement || areas.Current(member.Id).Contains(departement);
        if (member.Warnings == WarningScope.Departement && !sameArea) return null;
        var urn = notifier.AddressOf(member.Id);
        if (urn is null) return null;
        if (Urns.Scheme(urn) == "tel" && options.Value.SmsOnlyForOwnDepartement && !sameArea) return null;
        return urn;
    }

    private static Reply WarningText(LocaleTexts texts, IReadOnlyList<string> shown, ProfileDoc profile)
    {
        var args = new Dictionary<string, string>
        {
            ["identifiers"] = string.Join(", ", shown),
            ["categories"] = BotFlowHost.CategoryList(texts, profile.Categories),
            ["departement"] = profile.Departement ?? "",
        };
        var key = profile.Departement is null ? "warning.text_france" : "warning.text";
        if (profile.Categories.Count == 0) key += "_no_categories";
        // A warning is the message she least wants found on her phone: the way to clear it is part of it.
        return new Reply(Locales.Format(texts.Get(key), args) + "\n" + texts.Get("wipe.hint"));
    }

    // ---- watchlist ----

    public int Watch(string memberId, IEnumerable<Identifier> ids)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var n = 0;
        foreach (var id in ids)
        {
            var hash = profiles.HashOf(id);
            if (Watches.Exists(w => w.MemberId == memberId && w.IdentifierHash == hash && w.ExpiresAt > now)) continue;
            Watches.Insert(new WatchDoc { IdentifierHash = hash, MemberId = memberId, ExpiresAt = now.AddDays(options.Value.WatchDays) });
            n++;
        }
        return n;
    }

    public void ReportSaved(ReportDoc report, ProfileDoc profile)
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var id in report.Identifiers)
        {
            foreach (var watch in Watches.Find(w => w.IdentifierHash == id.Hash && w.ExpiresAt > now).ToList())
            {
                if (watch.MemberId == report.ReporterId || members.Find(watch.MemberId) is not { } member) continue;
                if (notifier.AddressOf(member.Id) is not { } urn) continue;
                var shown = identifiers.Display(profiles.Reveal(id));
                notifier.Notify(member, urn, texts => new Reply(Locales.Format(texts.Get("watch.hit"), new Dictionary<string, string>
                {
                    ["identifier"] = shown,
                    ["categories"] = BotFlowHost.CategoryList(texts, report.Categories),
                })), $"watch:{watch.Id}:{report.Id}");
            }
        }
    }

    public int DeleteExpiredWatches(DateTime now) => Watches.DeleteMany(w => w.ExpiresAt < now);
}

public sealed class WarningJobs(WarningsService warnings)
{
    /// <summary>Resumable: walks the members from the stored cursor; the outbox keys make a repeated batch queue nothing twice.</summary>
    [AutomaticRetry(Attempts = 10)]
    public void Run(string fanoutId)
    {
        var fanout = warnings.Fanouts.FindById(fanoutId);
        if (fanout is null || fanout.Status == FanoutStatus.Done) return;
        while (warnings.RunBatch(fanout)) { }
    }
}
