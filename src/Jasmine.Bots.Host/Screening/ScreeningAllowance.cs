using Jasmine.Bots.Storage;
using LiteDB;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Screening;

/// <summary>When look-ups were made in the last hour, for one member or one referral branch: times only, never what was looked up.</summary>
public sealed class AllowanceDoc
{
    [BsonId] public string Id { get; set; } = "";
    public List<DateTime> Stamps { get; set; } = [];
}

/// <summary>
/// Sliding one-hour windows of look-ups, per member and per referral branch, kept in the store so a restart does not
/// hand out a fresh hour, and sliding so 120 look-ups no longer fit in the two minutes around a clock hour.
/// Decisions are taken under one lock on a write-through copy (the store is single-process; a shared store does the
/// same with a row lock), and the write joins the turn's transaction.
/// </summary>
public sealed class ScreeningAllowance(JasmineStore store, IOptions<JasmineOptions> options)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<DateTime>> _cache = new(StringComparer.Ordinal);

    private ILiteCollection<AllowanceDoc> Docs => store.Database.GetCollection<AllowanceDoc>("allowances");

    public bool TryConsume(string memberId, string branchId, int count, DateTime now)
    {
        var o = options.Value.Screening;
        lock (_gate)
        {
            var mine = Window_("m|" + memberId, now);
            var branch = Window_("b|" + branchId, now);
            if (mine.Count + count > o.PerHour || branch.Count + count > o.PerBranchPerHour) return false;
            for (var i = 0; i < count; i++)
            {
                mine.Add(now);
                branch.Add(now);
            }
            store.InTransaction(() =>
            {
                Docs.Upsert(new AllowanceDoc { Id = "m|" + memberId, Stamps = mine });
                Docs.Upsert(new AllowanceDoc { Id = "b|" + branchId, Stamps = branch });
            });
            return true;
        }
    }

    /// <summary>Look-ups left to her in the current window (the smaller of hers and her branch's).</summary>
    public int Left(string memberId, string branchId, DateTime now)
    {
        var o = options.Value.Screening;
        lock (_gate) return Math.Max(0, Math.Min(o.PerHour - Window_("m|" + memberId, now).Count, o.PerBranchPerHour - Window_("b|" + branchId, now).Count));
    }

    /// <summary>Retention: windows with nothing in the last hour are dropped from disk and memory.</summary>
    public int Purge(DateTime now)
    {
        lock (_gate)
        {
            var cutoff = now - Window;
            foreach (var key in _cache.Where(p => p.Value.All(t => t <= cutoff)).Select(p => p.Key).ToList()) _cache.Remove(key);
            return Docs.DeleteMany(BsonExpression.Create("MAX($.Stamps[*]) <= @0 OR COUNT($.Stamps[*]) = 0", new BsonValue(cutoff)));
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
