using System.Globalization;
using System.Text;

namespace Jasmine.Bots.Help;

/// <summary>
/// A minimal PDF 1.4 writer for a page or two of plain text: A4, Helvetica with WinAnsiEncoding (the standard 14
/// fonts need no embedding, and WinAnsi covers French accents). Text outside WinAnsi (Cyrillic, Arabic, Chinese) is
/// shown as '?': the text message she received carries those words intact. Written by hand rather than with a
/// package because this is all we need and the whole format fits on a screen.
/// </summary>
public static class SimplePdf
{
    private const double PageWidth = 595.28, PageHeight = 841.89, Margin = 56;
    private const double TitleSize = 14, BodySize = 10.5, Leading = 14;
    private static readonly int LinesPerPage = (int)((PageHeight - 2 * Margin - 2 * Leading) / Leading);

    /// <summary>A PDF of a bold title and paragraphs of text, wrapped to the page; as many pages as needed.</summary>
    public static byte[] Render(string title, IEnumerable<string> paragraphs)
    {
        var lines = new List<string>();
        foreach (var paragraph in paragraphs)
        {
            if (paragraph.Length == 0) { lines.Add(""); continue; }
            foreach (var raw in paragraph.Split('\n')) lines.AddRange(Wrap(raw, (PageWidth - 2 * Margin) / BodySize));
        }
        var pages = lines.Chunk(LinesPerPage).ToList();
        if (pages.Count == 0) pages.Add([]);

        // Objects: 1 catalog, 2 pages, 3 Helvetica, 4 Helvetica-Bold, 5 info, then page and content in pairs.
        var objects = new List<byte[]>
        {
            Ascii("<< /Type /Catalog /Pages 2 0 R >>"),
            Ascii($"<< /Type /Pages /Kids [{string.Join(' ', pages.Select((_, i) => $"{6 + 2 * i} 0 R"))}] /Count {pages.Count} >>"),
            Ascii("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
            Ascii("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"),
            Ascii($"<< /Title {Literal(title)} /Producer (Jasmine.Bots) >>"),
        };
        for (var p = 0; p < pages.Count; p++)
        {
            var content = new StringBuilder();
            content.Append(Invariant($"BT /F2 {TitleSize} Tf {Margin} {PageHeight - Margin - TitleSize} Td {Literal(title)} Tj ET\n"));
            content.Append(Invariant($"BT /F1 {BodySize} Tf {Leading} TL {Margin} {PageHeight - Margin - TitleSize - 2 * Leading} Td\n"));
            foreach (var line in pages[p]) content.Append(Literal(line)).Append(" Tj T*\n");
            content.Append("ET\n");
            if (pages.Count > 1) content.Append(Invariant($"BT /F1 8 Tf {PageWidth - Margin - 30} {Margin / 2} Td ({p + 1}/{pages.Count}) Tj ET\n"));
            var stream = Ascii(content.ToString());
            objects.Add(Ascii(Invariant($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PageWidth} {PageHeight}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {7 + 2 * p} 0 R >>")));
            objects.Add([.. Ascii($"<< /Length {stream.Length} >>\nstream\n"), .. stream, .. Ascii("endstream")]);
        }

        using var pdf = new MemoryStream();
        // The second line's bytes above 127 tell transfer tools the file is binary (PDF spec 7.5.2).
        pdf.Write([.. Ascii("%PDF-1.4\n%"), 0xE2, 0xE3, 0xCF, 0xD3, (byte)'\n']);
        var offsets = new long[objects.Count];
        for (var i = 0; i < objects.Count; i++)
        {
            offsets[i] = pdf.Position;
            pdf.Write(Ascii($"{i + 1} 0 obj\n"));
            pdf.Write(objects[i]);
            pdf.Write(Ascii("\nendobj\n"));
        }
        var xref = pdf.Position;
        var table = new StringBuilder($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        // Each entry is exactly 20 bytes: 10-digit offset, space, 5-digit generation, space, 'n', space, LF.
        foreach (var offset in offsets) table.Append(offset.ToString("D10", CultureInfo.InvariantCulture)).Append(" 00000 n \n");
        table.Append($"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        pdf.Write(Ascii(table.ToString()));
        return pdf.ToArray();
    }

    /// <summary>A PDF string literal: WinAnsi bytes, with ( ) \ escaped and bytes outside ASCII as octal escapes.</summary>
    internal static string Literal(string text)
    {
        var sb = new StringBuilder("(");
        foreach (var b in WinAnsi(text))
        {
            if (b is (byte)'(' or (byte)')' or (byte)'\\') sb.Append('\\').Append((char)b);
            else if (b is < 32 or > 126) sb.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
            else sb.Append((char)b);
        }
        return sb.Append(')').ToString();
    }

    internal static byte[] WinAnsi(string text)
    {
        var bytes = new List<byte>(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormC))
        {
            if (c is '\u00A0' or '\u202F' or '\u2009') bytes.Add((byte)' ');
            else if (c is >= ' ' and <= '~' or >= '\u00A1' and <= '\u00FF') bytes.Add((byte)c);
            else if (c != '\0' && Cp1252High.IndexOf(c) is var i and >= 0) bytes.Add((byte)(0x80 + i));
            else bytes.Add((byte)'?');
        }
        return [.. bytes];
    }

    // Windows-1252 0x80–0x9F; '\0' where the code page has no character.
    private const string Cp1252High = "€\0‚ƒ„…†‡ˆ‰Š‹Œ\0Ž\0\0‘’“”•–—˜™š›œ\0žŸ";

    /// <summary>Greedy word wrap on estimated Helvetica widths (in ems), slightly generous so a line never overflows.</summary>
    internal static IEnumerable<string> Wrap(string text, double maxEms)
    {
        var line = new StringBuilder();
        double width = 0;
        foreach (var word in text.Split(' '))
        {
            var w = Ems(word);
            if (line.Length > 0 && width + Ems(" ") + w > maxEms)
            {
                yield return line.ToString();
                line.Clear();
                width = 0;
            }
            if (line.Length > 0) { line.Append(' '); width += Ems(" "); }
            // A word longer than a line (a URL) is cut rather than run off the page.
            var rest = word;
            while (Ems(rest) > maxEms)
            {
                var fit = 1;
                while (fit < rest.Length && Ems(rest[..(fit + 1)]) <= maxEms) fit++;
                if (line.Length > 0) { yield return line.ToString(); line.Clear(); }
                yield return rest[..fit];
                rest = rest[fit..];
                width = 0;
            }
            line.Append(rest);
            width += Ems(rest);
        }
        yield return line.ToString();
    }

    private static double Ems(string s)
    {
        double total = 0;
        foreach (var c in s)
        {
            total += c switch
            {
                'i' or 'j' or 'l' or '\'' or '|' => 0.23,
                'f' or 't' or 'I' or ' ' or '.' or ',' or ';' or ':' or '!' => 0.28,
                'r' or '(' or ')' or '-' or '«' or '»' => 0.34,
                'm' or 'M' or 'W' or 'w' or '%' or '@' or '—' => 0.95,
                >= 'A' and <= 'Z' or >= 'À' and <= 'Þ' => 0.73,
                _ => 0.57,
            };
        }
        return total;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);
}
