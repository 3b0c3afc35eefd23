using System.Globalization;

namespace Jasmine.Bots.Places;

/// <summary>
/// A subset of OpenStreetMap's <c>opening_hours</c>: <c>24/7</c>, or rules separated by <c>;</c> of the form
/// <c>Mo-Fr 09:00-12:00,14:00-17:00</c>, <c>Sa 10:00-13:00</c>, <c>Su off</c>, <c>Fr 22:00-04:00</c> (past midnight),
/// or times alone (every day). As in OSM, a later rule replaces earlier ones for the days it names. Public holidays,
/// months and weeks are not supported and are rejected rather than silently misread. Times are Paris wall-clock;
/// a DST change is not modelled. An empty text means hours are unknown: never reported open.
/// </summary>
public sealed class OpeningHours
{
    private const int MinutesPerDay = 24 * 60;
    private const int MinutesPerWeek = 7 * MinutesPerDay;
    private static readonly string[] DayNames = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

    // Week minutes from Monday 00:00, sorted, non-overlapping, within [0, MinutesPerWeek).
    private readonly (int Start, int End)[] _intervals;

    private OpeningHours(string text, (int Start, int End)[] intervals)
    {
        Text = text;
        _intervals = intervals;
    }

    public static OpeningHours Unknown { get; } = new("", []);

    public string Text { get; }

    public bool IsAlwaysOpen => _intervals is [(0, MinutesPerWeek)];

    public static OpeningHours Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return Unknown;
        if (trimmed == "24/7") return new OpeningHours(trimmed, [(0, MinutesPerWeek)]);

        // Per day, the spans starting that day (end may pass midnight into the next day).
        var days = new List<(int Start, int End)>[7];
        for (var d = 0; d < 7; d++) days[d] = [];
        foreach (var rawRule in trimmed.Split(';'))
        {
            var rule = rawRule.Trim();
            if (rule.Length == 0) continue;
            var space = rule.IndexOf(' ');
            var first = space < 0 ? rule : rule[..space];
            string? daySelector = first.Length > 0 && char.IsAsciiLetter(first[0]) ? first : null;
            var timePart = daySelector is null ? rule : space < 0 ? "" : rule[(space + 1)..].Trim();
            var selected = daySelector is null ? [0, 1, 2, 3, 4, 5, 6] : ParseDays(daySelector, text);
            var spans = timePart switch
            {
                "off" or "closed" => [],
                "" => throw Error(text, $"rule \"{rule}\" has no hours"),
                _ => ParseTimes(timePart, text),
            };
            foreach (var d in selected)
            {
                days[d].Clear();
                days[d].AddRange(spans);
            }
        }

        var week = new List<(int Start, int End)>();
        for (var d = 0; d < 7; d++)
        {
            foreach (var (start, end) in days[d])
            {
                var s = d * MinutesPerDay + start;
                var e = d * MinutesPerDay + end;
                if (e <= MinutesPerWeek) week.Add((s, e));
                else { week.Add((s, MinutesPerWeek)); week.Add((0, e - MinutesPerWeek)); } // Sunday night into Monday
            }
        }
        return new OpeningHours(trimmed, Merge(week));
    }

    public static bool TryParse(string text, out OpeningHours hours, out string? error)
    {
        try
        {
            hours = Parse(text);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            hours = Unknown;
            error = e.Message;
            return false;
        }
    }

    public bool IsOpen(DateTime localParisTime)
    {
        var m = MinuteOfWeek(localParisTime);
        foreach (var (start, end) in _intervals)
        {
            if (m < start) return false;
            if (m < end) return true;
        }
        return false;
    }

    /// <summary>The given time when open then, else the next time it opens; null when it never opens.</summary>
    public DateTime? NextOpening(DateTime localParisTime)
    {
        if (_intervals.Length == 0) return null;
        if (IsOpen(localParisTime)) return localParisTime;
        var m = MinuteOfWeek(localParisTime);
        var startOfMinute = new DateTime(localParisTime.Year, localParisTime.Month, localParisTime.Day,
            localParisTime.Hour, localParisTime.Minute, 0, localParisTime.Kind);
        foreach (var (start, _) in _intervals)
            if (start > m) return startOfMinute.AddMinutes(start - m);
        return startOfMinute.AddMinutes(MinutesPerWeek - m + _intervals[0].Start);
    }

    public override string ToString() => Text;

    private static int MinuteOfWeek(DateTime t) =>
        ((int)t.DayOfWeek + 6) % 7 * MinutesPerDay + t.Hour * 60 + t.Minute;

    private static List<int> ParseDays(string selector, string text)
    {
        var days = new List<int>();
        foreach (var part in selector.Split(','))
        {
            var range = part.Split('-');
            var from = DayIndex(range[0], text);
            var to = range.Length == 2 ? DayIndex(range[1], text) : range.Length == 1 ? from
                : throw Error(text, $"bad day range \"{part}\"");
            for (var d = from; ; d = (d + 1) % 7) // "Fr-Mo" wraps over the weekend
            {
                days.Add(d);
                if (d == to) break;
            }
        }
        return days;
    }

    private static int DayIndex(string day, string text)
    {
        var index = Array.IndexOf(DayNames, day);
        return index >= 0 ? index : throw Error(text, $"unsupported day \"{day}\" (use Mo Tu We Th Fr Sa Su)");
    }

    private static List<(int Start, int End)> ParseTimes(string times, string text)
    {
        var spans = new List<(int, int)>();
        foreach (var part in times.Split(',', StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-');
            if (bounds.Length != 2) throw Error(text, $"bad time span \"{part}\"");
            var start = ParseTime(bounds[0], text);
            var end = ParseTime(bounds[1], text);
            if (start == MinutesPerDay) throw Error(text, $"a span cannot start at 24:00 (\"{part}\")");
            if (end <= start) end += MinutesPerDay; // "22:00-04:00" runs past midnight
            spans.Add((start, end));
        }
        return spans;
    }

    private static int ParseTime(string time, string text)
    {
        if (time.Length == 5 && time[2] == ':'
            && int.TryParse(time.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && int.TryParse(time.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && m < 60 && (h < 24 || (h == 24 && m == 0)))
            return h * 60 + m;
        throw Error(text, $"bad time \"{time}\" (use HH:MM)");
    }

    private static (int, int)[] Merge(List<(int Start, int End)> spans)
    {
        spans.Sort();
        var merged = new List<(int Start, int End)>();
        foreach (var span in spans)
        {
            if (merged.Count > 0 && span.Start <= merged[^1].End)
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, span.End));
            else merged.Add(span);
        }
        return [.. merged];
    }

    private static FormatException Error(string text, string problem) =>
        new($"Opening hours \"{text}\": {problem}.");
}
