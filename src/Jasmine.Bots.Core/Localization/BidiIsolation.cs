using System.Text;
using System.Text.RegularExpressions;

namespace Jasmine.Bots.Localization;

/// <summary>
/// Keeps numbers readable inside right-to-left text. In an Arabic sentence the Unicode bidi algorithm lays out
/// "116 006" as "006 116" and "+33 6 12 34 56 78" group by group backwards: the number she reads would not be the
/// client's. Each such run is wrapped in a left-to-right isolate (LRI…PDI), and every inserted value that carries a
/// digit (an identifier, a reference, a phone) in a first-strong isolate (FSI…PDI), so that a plate or an e-mail keeps
/// its own direction and cannot pull the words around it. Texts in left-to-right languages are left untouched.
/// </summary>
public static partial class BidiIsolation
{
    public const char Lri = '\u2066';
    public const char Fsi = '\u2068';
    public const char Pdi = '\u2069';

    /// <summary>Whether the text holds a right-to-left letter (Hebrew, Arabic, Syriac, Thaana, N'Ko… and their presentation forms).</summary>
    public static bool HasRightToLeft(string text)
    {
        foreach (var c in text)
            if (c is >= '\u0590' and <= '\u08FF' or >= '\uFB1D' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFE') return true;
        return false;
    }

    /// <summary>Wraps a placeholder value for a right-to-left text: first-strong isolate around it, number runs isolated inside.</summary>
    public static string IsolateValue(string value) =>
        value.Length == 0 || !value.Any(char.IsDigit) || IsIsolated(value) ? value : Fsi + IsolateNumbers(value) + Pdi;

    /// <summary>Wraps every number written with separators ("116 006", "+33 6 12 34 56 78", "12/11/2026") in LRI…PDI.</summary>
    public static string IsolateNumbers(string text)
    {
        if (!text.Any(char.IsDigit)) return text;
        var sb = new StringBuilder(text.Length + 8);
        var last = 0;
        var depth = 0;
        foreach (Match m in NumberRun().Matches(text))
        {
            // Already inside an isolate we (or a translator) opened: leave it as it is.
            for (var i = last; i < m.Index; i++) depth += text[i] is >= '\u2066' and <= '\u2068' ? 1 : text[i] == Pdi ? -1 : 0;
            sb.Append(text, last, m.Index - last);
            var run = m.Value;
            var isolated = depth > 0 || (m.Index > 0 && text[m.Index - 1] is >= '\u2066' and <= '\u2068');
            if (!isolated && run.Any(c => !char.IsDigit(c))) sb.Append(Lri).Append(run).Append(Pdi);
            else sb.Append(run);
            last = m.Index + m.Length;
        }
        return sb.Append(text, last, text.Length - last).ToString();
    }

    private static bool IsIsolated(string value) => value.Length >= 2 && value[0] is >= '\u2066' and <= '\u2068' && value[^1] == Pdi;

    // A digit, then digits with single spaces, dots, dashes, slashes or brackets between them, ending on a digit;
    // an optional leading '+' or '(' belongs to the number.
    [GeneratedRegex(@"[+(]?\d(?:\d|[ .\-/()\u00A0\u202F](?=[\d(]))*")]
    private static partial Regex NumberRun();
}
