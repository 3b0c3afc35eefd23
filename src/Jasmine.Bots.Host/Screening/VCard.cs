namespace Jasmine.Bots.Screening;

/// <summary>
/// The numbers and e-mails of a contact card (a Telegram contact's vCard, a .vcf file with one or several contacts),
/// as text the identifier scanner reads. Names (FN, N, ORG…) are never read: a contact's name is never stored.
/// </summary>
public static class VCard
{
    public const int MaxChars = 64 * 1024;

    public static IReadOnlyList<string> Values(string? vcard)
    {
        if (string.IsNullOrEmpty(vcard)) return [];
        var text = vcard.Length > MaxChars ? vcard[..MaxChars] : vcard;
        // RFC 6350 §3.2: a line starting with a space or a tab continues the previous one.
        var unfolded = text.Replace("\r\n ", "", StringComparison.Ordinal).Replace("\r\n\t", "", StringComparison.Ordinal)
            .Replace("\n ", "", StringComparison.Ordinal).Replace("\n\t", "", StringComparison.Ordinal);
        var values = new List<string>();
        foreach (var raw in unfolded.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            // "item1.TEL;TYPE=CELL:+33 6…", "TEL;VALUE=uri:tel:+33…", "EMAIL;TYPE=INTERNET:a@b.fr"
            var name = line[..colon].Split(';')[0];
            var property = name[(name.LastIndexOf('.') + 1)..].ToUpperInvariant();
            if (property is not ("TEL" or "EMAIL")) continue;
            var value = line[(colon + 1)..].Trim();
            if (value.StartsWith("tel:", StringComparison.OrdinalIgnoreCase)) value = value[4..];
            if (value.Length > 0 && !values.Contains(value)) values.Add(value);
        }
        return values;
    }
}
