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
    public static string Render(Reply reply, string language) => Prepare(WithNumberedChoices(reply), language);

    public static string WithNumberedChoices(Reply reply)
    {
        if (reply.Choices.Count == 0) return reply.Text;
        var sb = new StringBuilder(reply.Text);
        for (var i = 0; i < reply.Choices.Count; i++)
            sb.Append('\n').Append(i + 1).Append(". ").Append(reply.Choices[i].Label);
        return sb.ToString();
    }

    /// <summary>
    /// The locales keep each language's real spelling; only here, for a basic phone, is what GSM-7 lacks folded
    /// (ê→e, ç→c, œ→oe, ș→s, ’→', « »→"), and only when that makes the whole message GSM-7 at no more segments than
    /// as written. é è à ù ñ ü are GSM-7 and stay; a Cyrillic, Chinese or Arabic text is sent exactly as written.
    /// </summary>
    public static string Prepare(string text, string language)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (SmsSegments.IsGsm7(text)) return text;
        var folded = Fold(SmsSegments.ToGsm7Friendly(text));
        return SmsSegments.IsGsm7(folded) && SmsSegments.Count(folded) <= SmsSegments.Count(text) ? folded : text;
    }

    private static string Fold(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            // Half of an emoji has no plain form; the whole message stays as written (it cannot be GSM-7).
            if (SmsSegments.IsGsm7(c.ToString()) || char.IsSurrogate(c)) { sb.Append(c); continue; }
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
