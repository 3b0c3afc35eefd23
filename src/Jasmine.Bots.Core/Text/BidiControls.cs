namespace Jasmine.Bots.Text;

/// <summary>
/// Unicode's explicit direction controls (embeddings, overrides, isolates, marks) let a pseudonym or a message
/// display reversed or reordered around what follows it ("‮ 1 ,tset" shows as "test, 1"): they never come from a person
/// typing a name, so they are removed from pseudonyms and from every text shown to staff.
/// </summary>
public static class BidiControls
{
    public static bool IsControl(char c) => c is '\u200E' or '\u200F' or '\u061C' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    public static string Strip(string text)
    {
        if (!text.Any(IsControl)) return text;
        return string.Concat(text.Where(c => !IsControl(c)));
    }

    public static string? StripOrNull(string? text) => text is null ? null : Strip(text);
}
