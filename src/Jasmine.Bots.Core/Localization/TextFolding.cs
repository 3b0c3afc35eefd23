using System.Globalization;
using System.Text;

namespace Jasmine.Bots.Localization;

/// <summary>Folds user text for comparison: case, accents and surrounding punctuation never decide a match.</summary>
public static class TextFolding
{
    public static string Fold(string text)
    {
        var decomposed = text.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var cat = CharUnicodeInfo.GetUnicodeCategory(c);
            if (cat == UnicodeCategory.NonSpacingMark) continue;
            // Cyrillic й and ё decompose into и/е + mark; dropping the mark is what people do when typing fast anyway.
            // Arabic-Indic and other digits read as 0-9, so "١٢/١١" is a date and "٢" picks choice 2.
            if (cat == UnicodeCategory.DecimalDigitNumber) { sb.Append((char)('0' + (int)char.GetNumericValue(c))); continue; }
            if (char.IsPunctuation(c) || char.IsSymbol(c)) { sb.Append(' '); continue; }
            if (char.IsWhiteSpace(c) || char.IsControl(c)) { sb.Append(' '); continue; }
            sb.Append(c);
        }
        return string.Join(' ', sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)).Normalize(NormalizationForm.FormC);
    }
}
