using System.Globalization;
using System.Text.RegularExpressions;
using Jasmine.Bots.Localization;

namespace Jasmine.Bots.Reports;

/// <summary>
/// Reads the date of an incident as people type it: 12/11, 12/11/2026, 12.11.26, 12 nov, 12 novembre, 2026-11-12,
/// with month names in her language (and English, which many use as a second language). Never in the future.
/// </summary>
public static partial class DateParser
{
    public enum Outcome { Ok, Invalid, Future }

    public static (Outcome Outcome, DateOnly Date) Parse(string text, CultureInfo culture, DateOnly today)
    {
        var folded = TextFolding.Fold(text);
        if (folded.Length == 0) return (Outcome.Invalid, default);

        var iso = IsoPattern().Match(folded);
        if (iso.Success) return Check(Build(int.Parse(iso.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(iso.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(iso.Groups[3].Value, CultureInfo.InvariantCulture)), today);

        // TextFolding turns "/" and "." into spaces: "12/11/2026" arrives as "12 11 2026".
        var numeric = NumericPattern().Match(folded);
        if (numeric.Success)
        {
            var day = int.Parse(numeric.Groups[1].Value, CultureInfo.InvariantCulture);
            var month = int.Parse(numeric.Groups[2].Value, CultureInfo.InvariantCulture);
            return numeric.Groups[3].Success
                ? Check(Build(Year(numeric.Groups[3].Value), month, day), today)
                : Check(MostRecent(day, month, today), today);
        }

        var named = NamedPattern().Match(folded);
        if (named.Success && MonthOf(named.Groups[2].Value, culture) is { } m)
        {
            var day = int.Parse(named.Groups[1].Value, CultureInfo.InvariantCulture);
            return named.Groups[3].Success
                ? Check(Build(Year(named.Groups[3].Value), m, day), today)
                : Check(MostRecent(day, m, today), today);
        }
        return (Outcome.Invalid, default);
    }

    private static int Year(string y) => y.Length == 2 ? 2000 + int.Parse(y, CultureInfo.InvariantCulture) : int.Parse(y, CultureInfo.InvariantCulture);

    private static DateOnly? Build(int year, int month, int day) =>
        month is >= 1 and <= 12 && year is >= 1990 and <= 2100 && day >= 1 && day <= DateTime.DaysInMonth(year, month) ? new DateOnly(year, month, day) : null;

    /// <summary>Without a year, "12/11" means the last 12 November that is not in the future.</summary>
    private static DateOnly? MostRecent(int day, int month, DateOnly today)
    {
        var thisYear = Build(today.Year, month, day);
        if (thisYear is { } d && d <= today) return d;
        return Build(today.Year - 1, month, day);
    }

    private static (Outcome, DateOnly) Check(DateOnly? date, DateOnly today) =>
        date is not { } d ? (Outcome.Invalid, default) : d > today ? (Outcome.Future, d) : (Outcome.Ok, d);

    private static int? MonthOf(string word, CultureInfo culture)
    {
        foreach (var c in new[] { culture, CultureInfo.GetCultureInfo("en") })
        {
            var f = c.DateTimeFormat;
            for (var i = 0; i < 12; i++)
            {
                foreach (var name in new[] { f.MonthNames[i], f.AbbreviatedMonthNames[i], f.MonthGenitiveNames[i], f.AbbreviatedMonthGenitiveNames[i] })
                {
                    var n = TextFolding.Fold(name);
                    if (n.Length == 0) continue;
                    // "nov", "novembre", "noiembrie", "ноя", "ноября": a prefix of at least three letters is enough.
                    if (n == word || (word.Length >= 3 && n.StartsWith(word, StringComparison.Ordinal)) || (n.Length >= 3 && word.StartsWith(n, StringComparison.Ordinal)))
                        return i + 1;
                }
            }
        }
        return null;
    }

    [GeneratedRegex(@"^(\d{4}) (\d{1,2}) (\d{1,2})$")]
    private static partial Regex IsoPattern();

    [GeneratedRegex(@"^(?:\D+ )?(\d{1,2}) (\d{1,2})(?: (\d{4}|\d{2}))?$")]
    private static partial Regex NumericPattern();

    [GeneratedRegex(@"^(?:\D+ )?(\d{1,2})(?:er|st|nd|rd|th|e)? (\p{L}+)(?: (\d{4}))?$")]
    private static partial Regex NamedPattern();
}
