using System.Globalization;
using System.Text;
using Jasmine.Bots.Domain;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Staff;

/// <summary>One line of the period report: the period, the same months a year earlier, and the change in percent.</summary>
public sealed record PeriodFigure(string Indicator, string? Category, Cell Current, Cell Previous, Cell Change);

/// <summary>Evidence for advocacy: any run of whole months (from–to), compared with the same months a year before.</summary>
public sealed record PeriodReportData(string From, string To, string PreviousFrom, string PreviousTo, IReadOnlyList<PeriodFigure> Figures);

/// <summary>
/// The period report, built from the same anonymous counters and case aggregates as the monthly statistics and with the
/// same suppression: a count under 5 is "&lt;5", a median or a change computed from fewer than 5 is "—".
/// </summary>
public sealed class PeriodReport(JasmineStore store, CaseService cases)
{
    public const int MaxMonths = 60;

    /// <summary>Months as yyyy-MM, from no later than to, at most five years: otherwise null.</summary>
    public static (DateTime From, DateTime To)? Parse(string? from, string? to)
    {
        static DateTime? Month(string? s) => s is not null && DateTime.TryParseExact(s.Trim(), "yyyy-MM", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d) ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : null;
        if (Month(from) is not { } f || Month(to) is not { } t || t < f) return null;
        return (t.Year - f.Year) * 12 + t.Month - f.Month + 1 > MaxMonths ? null : (f, t);
    }

    public PeriodReportData Build(DateTime from, DateTime to)
    {
        var counters = store.Counters.FindAll().ToDictionary(c => c.Id, c => c.Count, StringComparer.Ordinal);
        var allCases = cases.Cases.FindAll().ToList();
        var figures = new List<PeriodFigure>();
        var prevFrom = from.AddYears(-1);
        var prevTo = to.AddYears(-1);

        long Sum(Func<string, string> counter, DateTime f, DateTime t)
        {
            long total = 0;
            for (var m = f; m <= t; m = m.AddMonths(1)) total += counters.GetValueOrDefault(counter(m.ToString("yyyy-MM", CultureInfo.InvariantCulture)));
            return total;
        }
        void Counted(string indicator, Func<string, string> counter, string? category = null) =>
            figures.Add(Figure(indicator, category, Sum(counter, from, to), Sum(counter, prevFrom, prevTo)));

        foreach (var c in ReportCategories.All) Counted("reports." + c, m => $"reports:{m}:{c}", c);
        Counted("reports.total", m => $"reports.total:{m}");
        Counted("matches", m => $"matches:{m}");
        // Members who joined up to the end of the period (erased members included: counters never go down).
        figures.Add(Figure("members.total", null,
            counters.Where(kv => kv.Key.StartsWith("members.joined:", StringComparison.Ordinal) && string.CompareOrdinal(kv.Key["members.joined:".Length..], to.ToString("yyyy-MM", CultureInfo.InvariantCulture)) <= 0).Sum(kv => kv.Value),
            counters.Where(kv => kv.Key.StartsWith("members.joined:", StringComparison.Ordinal) && string.CompareOrdinal(kv.Key["members.joined:".Length..], prevTo.ToString("yyyy-MM", CultureInfo.InvariantCulture)) <= 0).Sum(kv => kv.Value)));
        Counted("members.joined", m => $"members.joined:{m}");
        Counted("cases.opened", m => $"cases.opened:{m}");
        Counted("cases.followed_up", m => $"cases.acknowledged:{m}");

        Cell MedianOf(DateTime f, DateTime t)
        {
            var end = t.AddMonths(1);
            var minutes = allCases.Where(c => c.AcknowledgedAt is { } a && a >= f && a < end).Select(c => (c.AcknowledgedAt!.Value - c.CreatedAt).TotalMinutes).Order().ToList();
            return new Cell(minutes.Count >= Statistics.Threshold ? Statistics.Median(minutes) : null, "0", Measure: true);
        }
        var current = MedianOf(from, to);
        var previous = MedianOf(prevFrom, prevTo);
        figures.Add(new PeriodFigure("cases.first_contact_minutes_median", null, current, previous, Change(current, previous)));
        return new PeriodReportData(Month(from), Month(to), Month(prevFrom), Month(prevTo), figures);
    }

    private static string Month(DateTime d) => d.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static PeriodFigure Figure(string indicator, string? category, long current, long previous)
    {
        var c = Statistics.Count(current);
        var p = Statistics.Count(previous);
        return new PeriodFigure(indicator, category, c, p, Change(c, p));
    }

    /// <summary>Year-on-year change in percent; not published when either side is (it would give the small number away).</summary>
    private static Cell Change(Cell current, Cell previous) =>
        current.Value is { } c && previous.Value is { } p && p > 0 ? new Cell(100.0 * (c - p) / p, "+0;-0;0", Measure: true) : new Cell(null, "0", Measure: true);

    public static string Csv(PeriodReportData r)
    {
        var sb = new StringBuilder("indicator,period,value,previous_period,previous_value,change_percent,note\n");
        foreach (var f in r.Figures)
        {
            var note = string.Join("; ", new[] { f.Current.CsvNote, f.Previous.CsvNote, f.Change.Suppressed ? "change not published" : "" }.Where(n => n.Length > 0).Distinct());
            sb.Append(f.Indicator).Append(',').Append(r.From).Append("..").Append(r.To).Append(',').Append(f.Current.CsvValue).Append(',')
              .Append(r.PreviousFrom).Append("..").Append(r.PreviousTo).Append(',').Append(f.Previous.CsvValue).Append(',').Append(f.Change.CsvValue).Append(',').Append(note).Append('\n');
        }
        return sb.ToString();
    }
}
