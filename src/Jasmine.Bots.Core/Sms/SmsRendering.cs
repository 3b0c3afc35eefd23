using System.Globalization;
using System.Text;
using Jasmine.Bots.Conversations;

namespace Jasmine.Bots.Sms;

/// <summary>
/// How a reply reads on a basic phone: plain text, choices as numbered lines, and as few segments as the
/// language allows. Signal uses the same numbered lines (it has no buttons).
/// </summary>
public static class SmsRendering
{
    // Latin-script languages whose readers are used to texts without accents: folding á→a, ç→c, ș→s keeps the
    // message in GSM-7 (160 characters a segment instead of 70). é è à ù ñ ü… are GSM-7 and stay.
    private static readonly HashSet<string> FoldLatin = new(StringComparer.Ordinal) { "fr", "en", "es", "pt", "ro" };

    public static string Render(Reply reply, string language) => Prepare(WithNumberedChoices(reply), language);

    public static string WithNumberedChoices(Reply reply)
    {
        if (reply.Choices.Count == 0) return reply.Text;
        var sb = new StringBuilder(reply.Text);
        for (var i = 0; i < reply.Choices.Count; i++)
            sb.Append('\n').Append(i + 1).Append(". ").Append(reply.Choices[i].Label);
        return sb.ToString();
    }

    public static string Prepare(string text, string language)
    {
        var friendly = SmsSegments.ToGsm7Friendly(text);
        if (!FoldLatin.Contains(language) || SmsSegments.IsGsm7(friendly)) return friendly;
        var sb = new StringBuilder(friendly.Length);
        foreach (var c in friendly)
        {
            var s = c.ToString();
            if (SmsSegments.IsGsm7(s)) { sb.Append(c); continue; }
            sb.Append(c switch
            {
                'œ' => "oe", 'Œ' => "OE", 'ç' => "c",
                _ => BaseLetter(c),
            });
        }
        return sb.ToString();
    }

    private static string BaseLetter(char c)
    {
        var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
        var letters = new string(decomposed.Where(ch => CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark).ToArray());
        // A character with no plain form (an emoji, a Cyrillic word in a French text) is kept: meaning beats cost.
        return letters.Length > 0 ? letters : c.ToString();
    }
}
