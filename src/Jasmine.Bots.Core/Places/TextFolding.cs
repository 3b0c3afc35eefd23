using System.Globalization;
using System.Text;

namespace Jasmine.Bots.Places;

/// <summary>Turns a place name typed any way ("ST-DENIS", "saint denis", "L'Haÿ les roses") into comparable tokens.</summary>
internal static class TextFolding
{
    private static readonly Dictionary<string, string> Abbreviations = new(StringComparer.Ordinal)
    {
        ["st"] = "saint", ["ste"] = "sainte", ["sts"] = "saints", ["stes"] = "saintes", ["mt"] = "mont",
    };

    public static List<string> Tokens(string text)
    {
        // "Châlons s/ Marne": the slash would otherwise leave a lone "s".
        var decomposed = text.Replace("s/", " sur ", StringComparison.OrdinalIgnoreCase).Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark) continue;
            switch (ch)
            {
                case 'œ' or 'Œ': builder.Append("oe"); break;
                case 'æ' or 'Æ': builder.Append("ae"); break;
                default: builder.Append(char.IsAsciiLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : ' '); break;
            }
        }
        var tokens = new List<string>();
        foreach (var token in builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            tokens.Add(Abbreviations.GetValueOrDefault(token, token));
        return tokens;
    }

    /// <summary>
    /// Tokens joined without separators, so that "lhay les roses", "l'haÿ-les-roses" and "L HAY LES ROSES" share a key.
    /// </summary>
    public static string Key(IEnumerable<string> tokens) => string.Concat(tokens);

    public static string Key(string text) => Key(Tokens(text));

    /// <summary>Optimal string alignment distance, giving up (returning max + 1) once it must exceed <paramref name="max"/>.</summary>
    public static int BoundedDistance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max) return max + 1;
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    value = Math.Min(value, previous2[j - 2] + 1);
                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }
            if (rowMin > max) return max + 1;
            (previous2, previous, current) = (previous, current, previous2);
        }
        return previous[b.Length];
    }
}
