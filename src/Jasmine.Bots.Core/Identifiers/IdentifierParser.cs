using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace Jasmine.Bots.Identifiers;

/// <summary>
/// Turns what a person typed (a phone, e-mail, plate, name or pseudo) into one canonical <see cref="Identifier"/>,
/// so the same client typed two ways is recognised as the same client. Stateless and thread-safe: register as a singleton.
/// </summary>
public sealed partial class IdentifierParser
{
    // Free text longer than this is truncated before scanning: a screening question is a sentence, and the cap
    // bounds the work an abusive 100 kB message can cause.
    internal const int MaxScannedChars = 4_000;

    // Longer "values" are pasted paragraphs, not one identifier; libphonenumber also refuses > 250 chars.
    private const int MaxValueChars = 256;

    // Bounds libphonenumber's matcher on pathological digit soups.
    private const long MaxPhoneMatcherTries = 100;

    // Overseas departments and collectivities that share the French trunk prefix 0: "0692 12 34 56" dialled in
    // France is Réunion's +262 692 12 34 56, but libphonenumber parsing with FR reads it as an invalid +33 number.
    // PM, NC, PF and WF are deliberately absent: their national numbers have no leading 0, so a bare "41 12 34"
    // is equally valid in PM, NC and WF and guessing one would store the wrong person's number.
    private static readonly string[] FrenchOverseasRegions = ["RE", "YT", "GP", "BL", "MF", "MQ", "GF"];

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private static readonly ShortNumberInfo ShortNumbers = ShortNumberInfo.GetInstance();

    private readonly string _defaultRegion;
    private readonly bool _tryFrenchOverseas;

    public IdentifierParser(string defaultRegion = "FR")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultRegion);
        _defaultRegion = defaultRegion.Trim().ToUpperInvariant();
        if (!Phones.GetSupportedRegions().Contains(_defaultRegion))
            throw new ArgumentException($"'{defaultRegion}' is not a region libphonenumber knows.", nameof(defaultRegion));
        _tryFrenchOverseas = _defaultRegion == "FR";
    }

    /// <summary>Normalises one value of a known kind; null when it is not a valid value of that kind.</summary>
    public Identifier? Normalize(IdentifierKind kind, string raw)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > MaxValueChars)
            return null;
        var value = kind switch
        {
            IdentifierKind.Phone => NormalizePhone(raw),
            IdentifierKind.Email => NormalizeEmail(raw),
            IdentifierKind.Plate => NormalizePlate(raw, allowForeign: true),
            IdentifierKind.Name => NormalizeName(raw),
            IdentifierKind.Handle => NormalizeHandle(raw),
            _ => null,
        };
        return value is null ? null : new Identifier(kind, value);
    }

    /// <summary>
    /// Normalises the phone of a Telegram shared contact, which is international but usually without the '+'.
    /// </summary>
    public Identifier? FromSharedContact(string phoneNumber)
    {
        if (string.IsNullOrWhiteSpace(phoneNumber) || phoneNumber.Length > MaxValueChars)
            return null;
        var digits = Separators().Replace(phoneNumber.Trim(), "");
        // No country code starts with 0, so a leading 0 means a national number and the '+' would be wrong.
        if (digits.Length > 0 && digits.All(char.IsAsciiDigit) && digits[0] != '0'
            && TryParseValid("+" + digits, _defaultRegion) is { } international)
            return new Identifier(IdentifierKind.Phone, international);
        return Normalize(IdentifierKind.Phone, phoneNumber);
    }

    /// <summary>What one message names: the contact she shared (if any) first, then what its text holds, without duplicates.</summary>
    public IReadOnlyList<Identifier> Extract(string text, string? sharedContact)
    {
        var found = new List<Identifier>();
        if (sharedContact is { } contact && FromSharedContact(contact) is { } phone) found.Add(phone);
        foreach (var id in Extract(text)) if (!found.Contains(id)) found.Add(id);
        return found;
    }

    /// <summary>
    /// Finds every phone, e-mail, plate and pseudo/URL in a free sentence, in order of appearance, without duplicates.
    /// Names are never extracted: any two words could be one. Never throws.
    /// </summary>
    public IReadOnlyList<Identifier> Extract(string text)
    {
        if (string.IsNullOrEmpty(text))
            return [];
        var scanned = Truncate(text, MaxScannedChars);
        // Each stage blanks what it claimed so a later stage cannot re-read it: the digits of a phone inside an
        // e-mail, or the letters around a phone as a plate.
        var masked = scanned.ToCharArray();
        var found = new List<(int Start, Identifier Id)>();

        ScanRegex(EmailInText(), masked, found, IdentifierKind.Email, m => NormalizeEmail(m));
        ScanRegex(UrlInText(), masked, found, IdentifierKind.Handle, m => NormalizeHandle(TrimTrailingPunctuation(m)));
        ScanRegex(PseudoInText(), masked, found, IdentifierKind.Handle, m => NormalizeHandle(m.TrimEnd('.')));
        ScanPhones(masked, found);
        ScanRegex(SivPlateInText(), masked, found, IdentifierKind.Plate, m => NormalizePlate(m, allowForeign: false));
        ScanRegex(FniPlateInText(), masked, found, IdentifierKind.Plate, m => NormalizePlate(m, allowForeign: false));

        // OrderBy is stable, so two identifiers at one position keep the stage order.
        return found.OrderBy(f => f.Start).Select(f => f.Id).Distinct().ToList();
    }

    /// <summary>How to echo an identifier back to a person.</summary>
    public string Display(Identifier id)
    {
        ArgumentNullException.ThrowIfNull(id);
        switch (id.Kind)
        {
            case IdentifierKind.Phone:
                try
                {
                    return Phones.Format(Phones.Parse(id.Value, _defaultRegion), PhoneNumberFormat.INTERNATIONAL);
                }
                catch (NumberParseException)
                {
                    return id.Value;
                }
            case IdentifierKind.Plate:
                if (SivPlate().Match(id.Value) is { Success: true } siv)
                    return $"{siv.Groups[1].Value}-{siv.Groups[2].Value}-{siv.Groups[3].Value}";
                if (FniPlate().Match(id.Value) is { Success: true } fni)
                    return $"{fni.Groups[1].Value} {fni.Groups[2].Value} {fni.Groups[3].Value}";
                return id.Value;
            default:
                return id.Value;
        }
    }

    private string? NormalizePhone(string raw)
    {
        var trimmed = raw.Trim();
        // libphonenumber would read letters as a vanity number ("1-800-FLOWERS"); a client's number has none.
        var withoutScheme = trimmed.StartsWith("tel:", StringComparison.OrdinalIgnoreCase) ? trimmed[4..] : trimmed;
        if (withoutScheme.Any(char.IsLetter))
            return null;

        PhoneNumber parsed;
        try
        {
            parsed = Phones.ParseAndKeepRawInput(trimmed, _defaultRegion);
        }
        catch (NumberParseException)
        {
            return null;
        }
        if (Phones.IsValidNumber(parsed))
            return Phones.Format(parsed, PhoneNumberFormat.E164);
        // Emergency and service short codes (15, 17, 112, 3615…) are not clients.
        if (ShortNumbers.IsValidShortNumberForRegion(parsed, _defaultRegion))
            return null;
        // Only a national spelling may be re-read: "+33 692…" was written with a country code on purpose.
        if (parsed.CountryCodeSource != PhoneNumber.Types.CountryCodeSource.FROM_DEFAULT_COUNTRY)
            return null;

        // A Telegram contact or a copy-paste often drops the '+': "33612345678", "447911123456".
        var digits = Separators().Replace(withoutScheme, "");
        if (digits.Length is >= 11 and <= 15 && digits.All(char.IsAsciiDigit)
            && TryParseValid("+" + digits, _defaultRegion) is { } international)
            return international;

        if (_tryFrenchOverseas && digits.StartsWith('0'))
            foreach (var region in FrenchOverseasRegions)
                if (TryParseValid(withoutScheme, region) is { } overseas)
                    return overseas;
        // libphonenumber's metadata lags new ranges ("07 12 34 56 78" was "not a number" while operators hand them
        // out): a national number of the right length is screened as typed, in E.164. A French one has exactly
        // ten digits, a leading 0 and no second 0, so that order numbers and dates are not read as phones.
        if (Phones.IsPossibleNumber(parsed) && digits.All(char.IsAsciiDigit) && digits.StartsWith('0')
            && (!_tryFrenchOverseas || (digits.Length == 10 && digits[1] != '0')))
            return Phones.Format(parsed, PhoneNumberFormat.E164);
        return null;
    }

    private static string? TryParseValid(string raw, string region)
    {
        try
        {
            var number = Phones.Parse(raw, region);
            return Phones.IsValidNumber(number) ? Phones.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    private static string? NormalizeEmail(string raw)
    {
        var value = raw.Trim();
        if (value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            value = value[7..];
        var query = value.IndexOf('?');
        if (query >= 0)
            value = value[..query];
        // Local parts are case-sensitive in theory and never in practice; one client must not become two.
        value = value.Trim().ToLowerInvariant();
        return Email().IsMatch(value) ? value : null;
    }

    private static string? NormalizePlate(string raw, bool allowForeign)
    {
        var compact = Separators().Replace(raw, "").ToUpperInvariant();
        if (SivPlate().IsMatch(compact) || FniPlate().IsMatch(compact))
            return compact;
        // Foreign plates have too many formats to check; an explicit "this is a plate" is enough, free text is not.
        return allowForeign && ForeignPlate().IsMatch(compact)
            && compact.Any(char.IsAsciiLetter) && compact.Any(char.IsAsciiDigit)
            ? compact
            : null;
    }

    private static string? NormalizeName(string raw)
    {
        // KD also folds compatibility forms: full-width letters, the "ﬁ" ligature. string.Normalize throws on a lone
        // surrogate (a truncated emoji), so those become separators first.
        var decomposed = WithoutLoneSurrogates(raw).Normalize(NormalizationForm.FormKD);
        var words = new List<string>();
        var word = new StringBuilder();
        var letters = 0;
        var baseScript = Script.Other;

        foreach (var rune in decomposed.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
                or UnicodeCategory.EnclosingMark)
            {
                if (!IsFoldableMark(baseScript, rune))
                    word.Append(rune.ToString());
                continue;
            }
            if (Rune.IsLetterOrDigit(rune))
            {
                baseScript = ScriptOf(rune);
                if (Rune.IsLetter(rune))
                    letters++;
                AppendFolded(word, Rune.ToLowerInvariant(rune));
                continue;
            }
            baseScript = Script.Other;
            FlushWord(word, words);
        }
        FlushWord(word, words);

        if (letters < 2 || words.Count == 0)
            return null;
        words.Sort(StringComparer.Ordinal);
        return string.Join(' ', words);
    }

    private static string WithoutLoneSurrogates(string text)
    {
        if (!text.Any(char.IsSurrogate))
            return text;
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
            builder.Append(rune == Rune.ReplacementChar ? " " : rune.ToString());
        return builder.ToString();
    }

    private static void FlushWord(StringBuilder word, List<string> words)
    {
        if (word.Length == 0)
            return;
        // Recompose what was kept (Hangul syllables, Cyrillic й, kana voicing) so it compares and reads as typed.
        words.Add(word.ToString().Normalize(NormalizationForm.FormC));
        word.Clear();
    }

    private static void AppendFolded(StringBuilder word, Rune lower)
    {
        // Letters that are not "a letter plus an accent" in Unicode, so decomposition leaves them alone.
        if (!lower.IsBmp)
        {
            word.Append(lower.ToString());
            return;
        }
        switch ((char)lower.Value)
        {
            case 'ß': word.Append("ss"); break;
            case 'œ': word.Append("oe"); break;
            case 'æ': word.Append("ae"); break;
            case 'ł': word.Append('l'); break;
            case 'đ' or 'ð': word.Append('d'); break;
            case 'ø': word.Append('o'); break;
            case 'þ': word.Append("th"); break;
            case 'ı': word.Append('i'); break;
            case 'ħ': word.Append('h'); break;
            default: word.Append((char)lower.Value); break;
        }
    }

    private enum Script { Other, Latin, Greek, Cyrillic, Arabic, Hebrew }

    private static Script ScriptOf(Rune r) => r.Value switch
    {
        <= 0x024F or (>= 0x1E00 and <= 0x1EFF) => Script.Latin,
        >= 0x0370 and <= 0x03FF => Script.Greek,
        >= 0x0400 and <= 0x04FF => Script.Cyrillic,
        >= 0x0590 and <= 0x05FF => Script.Hebrew,
        >= 0x0600 and <= 0x06FF => Script.Arabic,
        _ => Script.Other,
    };

    // Accents on Latin and Greek, Arabic harakat and Hebrew niqqud are optional in how people type names, so they
    // are dropped. Elsewhere a mark changes the letter (Cyrillic й ≠ и, kana が ≠ か) and is kept; only the
    // diaeresis of ё is folded because Russians routinely write it as е.
    private static bool IsFoldableMark(Script baseScript, Rune mark) => baseScript switch
    {
        Script.Latin or Script.Greek or Script.Arabic or Script.Hebrew => true,
        Script.Cyrillic => mark.Value == 0x0308,
        _ => false,
    };

    private static string? NormalizeHandle(string raw)
    {
        var value = raw.Trim();
        if (value.StartsWith('@'))
        {
            var pseudo = value[1..].ToLowerInvariant();
            return Pseudo().IsMatch(pseudo) ? "@" + pseudo : null;
        }

        var lower = value.ToLowerInvariant();
        var isUrl = false;
        foreach (var scheme in (ReadOnlySpan<string>)["https://", "http://"])
            if (lower.StartsWith(scheme, StringComparison.Ordinal))
            {
                lower = lower[scheme.Length..];
                isUrl = true;
                break;
            }
        if (lower.StartsWith("www.", StringComparison.Ordinal))
        {
            lower = lower[4..];
            isUrl = true;
        }
        var cut = lower.IndexOfAny(['?', '#']);
        if (cut >= 0)
        {
            lower = lower[..cut];
            isUrl = true;
        }
        lower = lower.TrimEnd('/');

        if (isUrl || lower.Contains('/'))
            return UrlWithoutScheme().IsMatch(lower) ? lower : null;
        return Pseudo().IsMatch(lower) ? lower : null;
    }

    private void ScanPhones(char[] masked, List<(int Start, Identifier Id)> found)
    {
        // POSSIBLE rather than the default VALID: FR-invalid spellings such as "0692 12 34 56" (Réunion) must reach
        // NormalizePhone, which knows the overseas fallbacks and still rejects anything invalid.
        var matches = Phones.FindNumbers(new string(masked), _defaultRegion, PhoneNumberUtil.Leniency.POSSIBLE,
            MaxPhoneMatcherTries);
        foreach (var match in matches)
        {
            if (NormalizePhone(match.RawString) is not { } e164)
                continue;
            found.Add((match.Start, new Identifier(IdentifierKind.Phone, e164)));
            Array.Fill(masked, ' ', match.Start, match.Length);
        }
    }

    private static void ScanRegex(Regex regex, char[] masked, List<(int Start, Identifier Id)> found,
        IdentifierKind kind, Func<string, string?> normalize)
    {
        try
        {
            foreach (Match match in regex.Matches(new string(masked)))
            {
                if (normalize(match.Value) is not { } value)
                    continue;
                found.Add((match.Index, new Identifier(kind, value)));
                Array.Fill(masked, ' ', match.Index, match.Length);
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // Pathological input: keep what this stage found so far rather than fail the whole message.
        }
    }

    private static string Truncate(string text, int max)
    {
        if (text.Length <= max)
            return text;
        // Never split a surrogate pair: half an emoji would be an invalid string for the stages after.
        return text[..(char.IsHighSurrogate(text[max - 1]) ? max - 1 : max)];
    }

    private static string TrimTrailingPunctuation(string url) => url.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']', '»', '"', '\'');

    private const int RegexTimeoutMs = 250;

    [GeneratedRegex(@"[\s\-–.]+")]
    private static partial Regex Separators();

    [GeneratedRegex(@"^(?!.*\.\.)[^\s@<>()\[\],;:""]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?\.)+\p{L}{2,}$")]
    private static partial Regex Email();

    [GeneratedRegex(@"(?<![\p{L}\p{N}._%+\-])[\p{L}\p{N}._%+\-]+@(?:[\p{L}\p{N}\-]+\.)+\p{L}{2,}(?![\p{L}\p{N}])",
        RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex EmailInText();

    // A scheme or "www." makes any host a link; a bare host needs a path ("instagram.com/foo"), otherwise
    // "jean.dupont" or "mail.fr" in a sentence would become pseudos.
    [GeneratedRegex(@"(?:https?://|www\.)[^\s<>""'“”«»]+|(?<![\p{L}\p{N}@._\-/])(?:[a-z0-9\-]+\.)+[a-z]{2,}/[^\s<>""'“”«»]*",
        RegexOptions.IgnoreCase, RegexTimeoutMs)]
    private static partial Regex UrlInText();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_.@])@[\p{L}\p{N}_][\p{L}\p{N}_.]{0,63}", RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex PseudoInText();

    // Upper case or dashes are required in free text: a lower-case "le 123 km" would otherwise be a plate.
    [GeneratedRegex(@"(?<![\p{L}\p{N}])(?:[A-Z]{2}[\- ]?\d{3}[\- ]?[A-Z]{2}|[a-zA-Z]{2}-\d{3}-[a-zA-Z]{2}|[a-zA-Z]{2}\d{3}[a-zA-Z]{2})(?![\p{L}\p{N}])",
        RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex SivPlateInText();

    [GeneratedRegex(@"(?<![\p{L}\p{N}])\d{1,4}[\- ]?[A-Z]{1,3}[\- ]?(?:97[1-6]|2[AB]|\d{2})(?![\p{L}\p{N}])",
        RegexOptions.None, RegexTimeoutMs)]
    private static partial Regex FniPlateInText();

    [GeneratedRegex(@"^([A-Z]{2})(\d{3})([A-Z]{2})$")]
    private static partial Regex SivPlate();

    [GeneratedRegex(@"^(\d{1,4})([A-Z]{1,3})(97[1-6]|2[AB]|\d{2})$")]
    private static partial Regex FniPlate();

    [GeneratedRegex(@"^[A-Z0-9]{4,10}$")]
    private static partial Regex ForeignPlate();

    [GeneratedRegex(@"^[\p{L}\p{N}_](?:[\p{L}\p{N}_.\-]{0,62}[\p{L}\p{N}_])?$")]
    private static partial Regex Pseudo();

    [GeneratedRegex(@"^(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?\.)+\p{L}{2,}(?::\d{1,5})?(?:/[^\s]*)?$")]
    private static partial Regex UrlWithoutScheme();
}
