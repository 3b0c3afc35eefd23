using System.Buffers;
using System.Text;

namespace Jasmine.Bots.Sms;

/// <summary>
/// How many SMS segments a text costs, and how to cut a long text into messages that each stay within a budget.
/// GSM-7: 160 septets alone, 153 per part once concatenated (the UDH eats 7). UCS-2: 70 code units, 67 per part.
/// One character outside GSM-7 turns the whole message into UCS-2.
/// </summary>
public static class SmsSegments
{
    public const int Gsm7SingleSegment = 160;
    public const int Gsm7MultipartSegment = 153;
    public const int Ucs2SingleSegment = 70;
    public const int Ucs2MultipartSegment = 67;

    // 3GPP TS 23.038 default alphabet, without ESC (0x1B), which only introduces the extension table.
    private const string Gsm7Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    // Each costs ESC + the character, i.e. two septets, and a part boundary may not fall between them.
    private const string Gsm7Extension = "\f^{}\\[~]|€";

    private static readonly SearchValues<char> Gsm7All = SearchValues.Create(Gsm7Basic + Gsm7Extension);
    private static readonly SearchValues<char> Gsm7Ext = SearchValues.Create(Gsm7Extension);

    public static bool IsGsm7(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return !text.AsSpan().ContainsAnyExcept(Gsm7All);
    }

    /// <summary>Segments billed for <paramref name="text"/>; 0 for the empty string, which cannot be sent.</summary>
    public static int Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var meter = new Meter();
        for (var i = 0; i < text.Length;)
            i += meter.Add(text, i);
        return meter.Segments;
    }

    /// <summary>
    /// Cuts <paramref name="text"/> into messages of at most <paramref name="maxSegmentsPerMessage"/> segments each,
    /// preferring a paragraph break, then a line break, then a space. Order and characters are kept; only the
    /// whitespace where a cut falls is dropped. A text that already fits comes back unchanged.
    /// </summary>
    public static IReadOnlyList<string> Split(string text, int maxSegmentsPerMessage = 3)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSegmentsPerMessage, 1);

        var messages = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var limit = start + FittingLength(text, start, maxSegmentsPerMessage);
            if (limit == text.Length)
            {
                messages.Add(text[start..]);
                break;
            }
            var (end, next) = FindCut(text, start, limit, maxSegmentsPerMessage);
            messages.Add(text[start..end]);
            start = next;
        }
        return messages;
    }

    /// <summary>
    /// Replaces typographic punctuation that has a plain GSM-7 equivalent, so that an otherwise GSM-7 text is not
    /// billed as UCS-2 (a 2-3x cost) because of a curly apostrophe. Letters are never touched: whether a language
    /// is written in GSM-7 is the translator's choice, not ours.
    /// </summary>
    public static string ToGsm7Friendly(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            string? replacement = text[i] switch
            {
                '\u2019' or '\u2018' or '\u201A' or '\u2032' or '\u2039' or '\u203A' => "'",
                '\u201C' or '\u201D' or '\u201E' or '\u2033' or '\u00AB' or '\u00BB' => "\"",
                '\u2013' or '\u2014' or '\u2012' or '\u2212' or '\u2010' or '\u2011' => "-",
                '\u2026' => "...",
                '\u00A0' or '\u202F' or '\u2007' or '\u2009' or '\u200A' => " ",
                _ => null,
            };
            if (replacement is null)
            {
                sb?.Append(text[i]);
                continue;
            }
            sb ??= new StringBuilder(text.Length).Append(text, 0, i);
            sb.Append(replacement);
        }
        return sb?.ToString() ?? text;
    }

    // Number of chars from start that fit in the budget, stepping over surrogate pairs as a whole.
    private static int FittingLength(string text, int start, int maxSegments)
    {
        var meter = new Meter();
        var i = start;
        while (i < text.Length)
        {
            var trial = meter;
            var width = trial.Add(text, i);
            if (trial.Segments > maxSegments)
                break;
            meter = trial;
            i += width;
        }
        return i - start;
    }

    private enum Boundary { Paragraph, Line, Word }

    // Returns where the current message ends and where the next one starts; the whitespace in between is dropped.
    private static (int End, int Next) FindCut(string text, int start, int limit, int maxSegments)
    {
        // A paragraph or line break far back would leave a stub message followed by many others; only take one
        // if it keeps at least half of what fits, otherwise a later space reads better.
        var minimumForBreak = start + (limit - start) / 2;
        (int End, int Next)? line = null, word = null;

        for (var a = limit; a > start; a--)
        {
            if (!char.IsWhiteSpace(text[a]) || char.IsWhiteSpace(text[a - 1]))
                continue;
            var b = a;
            var newlines = 0;
            while (b < text.Length && char.IsWhiteSpace(text[b]))
            {
                if (text[b] == '\n') newlines++;
                b++;
            }
            // Only a whole-text GSM/UCS switch can make a shorter prefix cost more; check rather than assume.
            if (Count(text[start..a]) > maxSegments)
                continue;

            var kind = newlines >= 2 ? Boundary.Paragraph : newlines == 1 ? Boundary.Line : Boundary.Word;
            if (kind != Boundary.Word && a < minimumForBreak)
                kind = Boundary.Word;
            switch (kind)
            {
                case Boundary.Paragraph:
                    return (a, b);
                case Boundary.Line:
                    line ??= (a, b);
                    break;
                default:
                    word ??= (a, b);
                    break;
            }
        }
        // No whitespace at all: a hard cut, which FittingLength already placed off any surrogate pair.
        return line ?? word ?? (limit, limit);
    }

    private struct Meter
    {
        private bool _ucs2;
        private int _gsmUnits, _gsmParts, _gsmFill;
        private int _ucsUnits, _ucsParts, _ucsFill;

        public readonly int Segments => _ucs2
            ? (_ucsUnits == 0 ? 0 : _ucsUnits <= Ucs2SingleSegment ? 1 : _ucsParts)
            : (_gsmUnits == 0 ? 0 : _gsmUnits <= Gsm7SingleSegment ? 1 : _gsmParts);

        // Accounts for the character (or surrogate pair) at index i; returns how many chars it spans.
        public int Add(string text, int i)
        {
            var c = text[i];
            var width = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;

            _ucsUnits += width;
            Pack(ref _ucsParts, ref _ucsFill, width, Ucs2MultipartSegment);

            if (width == 2 || !Gsm7All.Contains(c))
                _ucs2 = true;
            else
            {
                var septets = Gsm7Ext.Contains(c) ? 2 : 1;
                _gsmUnits += septets;
                Pack(ref _gsmParts, ref _gsmFill, septets, Gsm7MultipartSegment);
            }
            return width;
        }

        // Greedy packing: a unit that does not fit whole starts a new part.
        private static void Pack(ref int parts, ref int fill, int units, int capacity)
        {
            if (parts == 0) parts = 1;
            if (fill + units > capacity)
            {
                parts++;
                fill = units;
            }
            else
                fill += units;
        }
    }
}
