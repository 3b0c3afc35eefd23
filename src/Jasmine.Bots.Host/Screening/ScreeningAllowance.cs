using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Screening;

/// <summary>When look-ups were made in the last hour, for one member or one referral branch: times only, never what was looked up.</summary>
public sealed class AllowanceDoc
{
    public string Id { get; set; } = "";
    public List<DateTime> Stamps { get; set; } = [];
}

/// <summary>
/// Sliding one-hour windows of look-ups, per member and per referral branch, kept in the store so a restart does not
/// hand out a fresh hour, and sliding so 120 look-ups no longer fit in the two minutes around a clock hour.
/// Decisions are taken under one lock on the in-memory copy (the store is single-process; a shared store would use a
/// row lock); what changed is written behind, every <see cref="FlushEvery"/> and when the host stops: two writes in
/// every screening turn quadrupled the webhook latency (p50 22 ms → 477 ms at 400 messages/s), and a crash loses at
/// most a few seconds of counts.
/// </summary>
public sealed class ScreeningAllowance(JasmineStore store, IOptions<JasmineOptions> options)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);
    public static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(2);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<DateTime>> _cache = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);

    private IDocs<AllowanceDoc> Docs => store.Collection<AllowanceDoc>("allowances");

    public bool TryConsume(string memberId, string branchId, int count, DateTime now)
    {
        var o = options.Value.Screening;
        if (store.Shared) return TryConsumeShared("m|" + memberId, "b|" + branchId, count, now, o);
        lock (_gate)
        {
            if (!Take(Window_("m|" + memberId, now), Window_("b|" + branchId, now), count, now, o)) return false;
            _dirty.Add("m|" + memberId);
            _dirty.Add("b|" + branchId);
            return true;
        }
    }

    /// <summary>
    /// Several hosts share the database: the decision is taken in the store, in a transaction (run one at a time
    /// across hosts), on the windows as they are there; nothing is kept in memory, so two hosts never hand out the
    /// same hour twice. It costs the two writes per screening turn that the embedded store avoids.
    /// </summary>
    private bool TryConsumeShared(string mineKey, string branchKey, int count, DateTime now, ScreeningOptions o) => store.InTransaction(() =>
    {
        var cutoff = now - Window;
        var mine = Docs.FindById(mineKey) ?? new AllowanceDoc { Id = mineKey };
        var branch = Docs.FindById(branchKey) ?? new AllowanceDoc { Id = branchKey };
        mine.Stamps.RemoveAll(t => t <= cutoff);
        branch.Stamps.RemoveAll(t => t <= cutoff);
        if (!Take(mine.Stamps, branch.Stamps, count, now, o)) return false;
        Docs.Upsert(mine);
        Docs.Upsert(branch);
        return true;
    });

    /// <summary>Adds <paramref name="count"/> look-ups to both windows (already cut to the last hour) if both have room for them.</summary>
    private static bool Take(List<DateTime> mine, List<DateTime> branch, int count, DateTime now, ScreeningOptions o)
    {
        if (mine.Count + count > o.PerHour || branch.Count + count > o.PerBranchPerHour) return false;
        for (var i = 0; i < count; i++)
        {
            mine.Add(now);
            branch.Add(now);
        }
        return true;
    }

    /// <summary>Writes the windows that changed since the last flush, in one transaction.</summary>
    public void Flush()
    {
        List<AllowanceDoc> changed;
        lock (_gate)
        {
            if (_dirty.Count == 0) return;
            changed = _dirty.Select(k => new AllowanceDoc { Id = k, Stamps = [.. _cache.GetValueOrDefault(k) ?? []] }).ToList();
            _dirty.Clear();
        }
        store.InTransaction(() => { foreach (var doc in changed) Docs.Upsert(doc); });
    }

    /// <summary>Look-ups left to her in the current window (the smaller of hers and her branch's).</summary>
    public int Left(string memberId, string branchId, DateTime now)
    {
        var o = options.Value.Screening;
        if (store.Shared)
        {
            var cutoff = now - Window;
            int Used(string key) => Docs.FindById(key)?.Stamps.Count(t => t > cutoff) ?? 0;
            return Math.Max(0, Math.Min(o.PerHour - Used("m|" + memberId), o.PerBranchPerHour - Used("b|" + branchId)));
        }
        lock (_gate) return Math.Max(0, Math.Min(o.PerHour - Window_("m|" + memberId, now).Count, o.PerBranchPerHour - Window_("b|" + branchId, now).Count));
    }

    /// <summary>Retention: windows with nothing in the last hour are dropped from disk and memory.</summary>
    public int Purge(DateTime now)
    {
        lock (_gate)
        {
            var cutoff = now - Window;
            foreach (var key in _cache.Where(p => p.Value.All(t => t <= cutoff)).Select(p => p.Key).ToList()) _cache.Remove(key);
            // Read in pages and deleted by id: "every stamp is old" is not a filter both stores can read.
            var stale = new List<string>();
            string? after = null;
            while (Docs.After(after, 500) is { Count: > 0 } page)
            {
                stale.AddRange(page.Where(d => d.Stamps.Count == 0 || d.Stamps.Max() <= cutoff).Select(d => d.Id));
                after = page[^1].Id;
            }
            store.InTransaction(() => { foreach (var id in stale) Docs.Delete(id); });
            return stale.Count;
        }
    }

    private List<DateTime> Window_(string key, DateTime now)
    {
        if (!_cache.TryGetValue(key, out var stamps))
        {
            stamps = Docs.FindById(key)?.Stamps ?? [];
            _cache[key] = stamps;
        }
        var cutoff = now - Window;
        stamps.RemoveAll(t => t <= cutoff);
        return stamps;
    }
}

/// <summary>Writes the look-up windows behind, every couple of seconds and once more when the host stops.</summary>
internal sealed class AllowanceFlusher(ScreeningAllowance allowance, ILogger<AllowanceFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ScreeningAllowance.FlushEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Flush();
        }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Flush();
    }

    private void Flush()
    {
        try { allowance.Flush(); }
        catch (Exception e) when (StoreFailure.Is(e))
        {
            // Counts only; the next flush writes them again.
            logger.LogWarning("Look-up allowances not written this time ({ExceptionType})", e.GetType().Name);
        }
    }
}
