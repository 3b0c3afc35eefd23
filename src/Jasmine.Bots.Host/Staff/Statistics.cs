using System.Globalization;
using System.Text;
using Jasmine.Bots.Domain;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Staff;

/// <summary>
/// A published number. A count under <see cref="Statistics.Threshold"/> is shown as "&lt;5" and left out of charts: small
/// counts can point at a person. A <paramref name="Measure"/> (a share, a median, a mean, a change) computed from too
/// few is shown as "—", never "&lt;5", which would read as a time or a percentage.
/// </summary>
public readonly record struct Cell(double? Value, string Format = "0", bool Measure = false)
{
    public const string NotPublished = "—";
    public bool Suppressed => Value is null;
    public override string ToString() => Value is { } v ? v.ToString(Format, CultureInfo.InvariantCulture) : Measure ? NotPublished : "<" + Statistics.Threshold;

    /// <summary>For CSV: suppressed measures are empty (a number column stays numeric), with the reason in the note column.</summary>
    public string CsvValue => Value is { } v ? v.ToString(Format, CultureInfo.InvariantCulture) : Measure ? "" : "<" + Statistics.Threshold;

    public string CsvNote => !Suppressed ? "" : Measure ? "computed from fewer than 5 cases: not published" : "fewer than 5: not published";
}

public sealed record MonthStats(
    string Month,
    IReadOnlyDictionary<string, Cell> ReportsByCategory,
    Cell Matches,
    Cell MembersJoined,
    Cell CasesOpened,
    Cell CasesFollowedUp,
    Cell ShareFollowedUp,
    Cell MedianAckMinutes,
    Cell MeanAckMinutes);

public sealed record StatsReport(IReadOnlyList<MonthStats> Months, Cell ActiveMembers);

/// <summary>Anonymous figures for the team and for advocacy: counters, a few aggregates of cases, always with small-count suppression.</summary>
public sealed class Statistics(JasmineStore store, CaseService cases, TimeProvider time)
{
    public const int Threshold = 5;

    public StatsReport Build(int months = 12)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var first = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-(months - 1));
        var counters = store.Counters.FindAll().ToDictionary(c => c.Id, c => c.Count, StringComparer.Ordinal);
        long Counter(string id) => counters.GetValueOrDefault(id);
        var allCases = cases.Cases.FindAll().ToList();

        var list = new List<MonthStats>();
        for (var i = 0; i < months; i++)
        {
            var start = first.AddMonths(i);
            var m = start.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            var opened = allCases.Where(c => c.CreatedAt >= start && c.CreatedAt < start.AddMonths(1)).ToList();
            var minutes = opened.Where(c => c.AcknowledgedAt is not null).Select(c => (c.AcknowledgedAt!.Value - c.CreatedAt).TotalMinutes).Order().ToList();
            var enough = opened.Count >= Threshold && minutes.Count >= Threshold;
            list.Add(new MonthStats(
                m,
                ReportCategories.All.ToDictionary(c => c, c => Count(Counter($"reports:{m}:{c}"))),
                Count(Counter($"matches:{m}")),
                Count(Counter($"members.joined:{m}")),
                Count(opened.Count),
                Count(minutes.Count),
                // A share of small numbers gives the small numbers away: both must clear the threshold.
                new Cell(enough ? 100.0 * minutes.Count / opened.Count : null, "0", Measure: true),
                new Cell(enough ? Median(minutes) : null, "0", Measure: true),
                new Cell(enough ? minutes.Average() : null, "0", Measure: true)));
        }
        var since = now.AddDays(-30);
        return new StatsReport(list, Count(store.Members.Count(mem => mem.LastSeenAt >= since)));
    }

    public static Cell Count(long n) => new(n < Threshold ? null : n);

    public static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    /// <summary>Long format (indicator, month, value), the same suppression as the page.</summary>
    public static string Csv(StatsReport report)
    {
        var sb = new StringBuilder("indicator,month,value,note\n");
        void Row(string indicator, string month, Cell cell) => sb.Append(indicator).Append(',').Append(month).Append(',').Append(cell.CsvValue).Append(',').Append(cell.CsvNote).Append('\n');
        foreach (var m in report.Months)
        {
            foreach (var (category, cell) in m.ReportsByCategory) Row("reports." + category, m.Month, cell);
            Row("matches", m.Month, m.Matches);
            Row("members.joined", m.Month, m.MembersJoined);
            Row("cases.opened", m.Month, m.CasesOpened);
            Row("cases.followed_up", m.Month, m.CasesFollowedUp);
            Row("cases.followed_up_percent", m.Month, m.ShareFollowedUp);
            Row("cases.ack_minutes_median", m.Month, m.MedianAckMinutes);
            Row("cases.ack_minutes_mean", m.Month, m.MeanAckMinutes);
        }
        Row("members.active_30_days", "current", report.ActiveMembers);
        return sb.ToString();
    }
}
