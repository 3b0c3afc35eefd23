using System.Text.RegularExpressions;

namespace Jasmine.Bots.Domain;

/// <summary>French départements: the only precision at which a member's area or a report's place is kept.</summary>
public static partial class Departements
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(
        Enumerable.Range(1, 95).Where(n => n != 20).Select(n => n.ToString("00", System.Globalization.CultureInfo.InvariantCulture))
            .Concat(["2A", "2B", "971", "972", "973", "974", "975", "976", "977", "978", "986", "987", "988"]),
        StringComparer.Ordinal);

    /// <summary>"75", "2a", "974", a postcode "75011" or "20000" (Ajaccio) → the département code; else null.</summary>
    public static string? Parse(string text)
    {
        var m = CodePattern().Match(text.Trim());
        if (!m.Success) return null;
        // \d also matches Arabic-Indic, Persian and full-width digits: "٧٥" is 75.
        var code = string.Concat(m.Groups[1].Value.Select(c => char.IsDigit(c) ? (char)('0' + (int)char.GetNumericValue(c)) : c)).ToUpperInvariant();
        if (code.Length == 5) return FromPostcode(code);
        if (code.Length == 1) code = "0" + code;
        return All.Contains(code) ? code : null;
    }

    public static string? FromPostcode(string postcode)
    {
        if (postcode.Length != 5 || !postcode.All(char.IsAsciiDigit)) return null;
        if (postcode.StartsWith("97", StringComparison.Ordinal) || postcode.StartsWith("98", StringComparison.Ordinal))
            return All.Contains(postcode[..3]) ? postcode[..3] : null;
        if (postcode.StartsWith("20", StringComparison.Ordinal))
            // Corsica: 200xx–201xx are Corse-du-Sud, 202xx–206xx Haute-Corse.
            return string.CompareOrdinal(postcode, "20200") < 0 ? "2A" : "2B";
        var d = postcode[..2];
        return All.Contains(d) ? d : null;
    }

    [GeneratedRegex(@"(?<![0-9A-Za-z])(\d{5}|\d{3}|2[AaBb]|\d{1,2})(?![0-9A-Za-z])")]
    private static partial Regex CodePattern();
}
