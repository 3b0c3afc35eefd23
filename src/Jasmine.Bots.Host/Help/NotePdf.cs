using System.Globalization;
using System.Text;
using HarfBuzzSharp;
using SkiaSharp;
using SkiaSharp.HarfBuzz;

namespace Jasmine.Bots.Help;

/// <summary>The Noto fonts the note needs are not on this machine: the message says which and how to install them.</summary>
public sealed class NoteFontsMissingException(string message) : Exception(message);

/// <summary>
/// The doctor's note as an A4 PDF that shows every script she may write in: Skia's PDF backend embeds a subset of
/// each font (so any reader shows the same letters) and writes the text back in, so it can be copied or searched;
/// HarfBuzz shapes each run, so Arabic comes out joined and right to left. Fonts are Debian's Noto packages
/// (fonts-noto-core, fonts-noto-cjk; deploy/ci-prereqs.sh installs them), read from their files.
/// </summary>
public static class NotePdf
{
    private const float PageWidth = 595.28f, PageHeight = 841.89f, Margin = 56;
    private const float TitleSize = 14, BodySize = 10.5f, Leading = 15;

    /// <summary>Where Debian puts Noto; overridable for other systems with <c>JASMINE_FONTS_DIR</c>.</summary>
    public static IReadOnlyList<string> FontDirectories =>
        Environment.GetEnvironmentVariable("JASMINE_FONTS_DIR") is { Length: > 0 } dir ? [dir] : ["/usr/share/fonts", "/usr/local/share/fonts"];

    private enum Script { Latin, Arabic, Han }

    // One Latin face: SkiaSharp's PDF backend embeds each TrueType font whole (its build has no subsetter), so the
    // title is the regular face emboldened rather than a second 500 KB font.
    private sealed record Fonts(SKTypeface Regular, SKTypeface Arabic, SKTypeface Han)
    {
        public SKTypeface For(Script script, bool bold) => script switch
        {
            Script.Arabic => Arabic,
            Script.Han => Han,
            _ => Regular,
        };
    }

    private static readonly Lazy<Fonts> Loaded = new(LoadFonts, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Throws <see cref="NoteFontsMissingException"/> when a font is missing (checked once per process).</summary>
    public static void EnsureFonts() => _ = Loaded.Value;

    private static Fonts LoadFonts()
    {
        var missing = new List<string>();
        SKTypeface Find(string file, int index, string package)
        {
            foreach (var dir in FontDirectories.Where(Directory.Exists))
            {
                var path = Directory.EnumerateFiles(dir, file, SearchOption.AllDirectories).FirstOrDefault();
                if (path is not null && SKTypeface.FromFile(path, index) is { } face) return face;
            }
            missing.Add($"{file} ({package})");
            return SKTypeface.Default;
        }
        // NotoSansCJK-Regular.ttc holds JP, KR, SC, TC, HK in that order: index 2 is Simplified Chinese.
        var fonts = new Fonts(
            Find("NotoSans-Regular.ttf", 0, "fonts-noto-core"),
            Find("NotoNaskhArabic-Regular.ttf", 0, "fonts-noto-core"),
            Find("NotoSansCJK-Regular.ttc", 2, "fonts-noto-cjk"));
        if (missing.Count > 0) throw new NoteFontsMissingException(MissingFontsMessage(missing, FontDirectories));
        return fonts;
    }

    internal static string MissingFontsMessage(IEnumerable<string> missing, IEnumerable<string> searched) =>
        "The doctor's note PDF needs Noto fonts that are not installed: " + string.Join(", ", missing) +
        $". Looked in {string.Join(", ", searched)}. On Debian: apt-get install fonts-noto-core fonts-noto-cjk (deploy/ci-prereqs.sh does it).";

    /// <summary>A PDF of a bold title and paragraphs of text, wrapped to the page; as many pages as needed.</summary>
    public static byte[] Render(string title, IEnumerable<string> paragraphs)
    {
        var fonts = Loaded.Value;
        var width = PageWidth - 2 * Margin;
        var lines = new List<(List<Token> Tokens, bool Bold)>();
        foreach (var (paragraph, bold) in paragraphs.Select(p => (p, false)).Prepend((title, true)))
        {
            if (paragraph.Length == 0) { lines.Add(([], false)); continue; }
            foreach (var raw in paragraph.Split('\n')) lines.AddRange(Wrap(fonts, raw, width, bold ? TitleSize : BodySize, bold).Select(l => (l, bold)));
        }

        using var stream = new MemoryStream();
        var metadata = new SKDocumentPdfMetadata
        {
            Title = title,
            Producer = "Jasmine.Bots",
            Creation = DateTime.UtcNow,
            // The note is read on screen or printed once: fonts stay subsets, text stays text.
            RasterDpi = 72,
            PdfA = false,
        };
        using (var document = SKDocument.CreatePdf(stream, metadata))
        {
            var perPage = (int)((PageHeight - 2 * Margin) / Leading);
            foreach (var page in lines.Chunk(perPage))
            {
                var canvas = document.BeginPage(PageWidth, PageHeight);
                using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
                var y = Margin + TitleSize;
                foreach (var (tokens, bold) in page)
                {
                    DrawLine(canvas, fonts, tokens, Margin, y, bold ? TitleSize : BodySize, bold, paint);
                    y += bold ? Leading + 4 : Leading;
                }
                document.EndPage();
            }
            document.Close();
        }
        return stream.ToArray();
    }

    /// <summary>A word with the space after it, in one script.</summary>
    private sealed record Token(string Text, Script Script, float Width);

    private static Script ScriptOf(Rune r)
    {
        var v = r.Value;
        if (v is >= 0x0600 and <= 0x06FF or >= 0x0750 and <= 0x077F or >= 0x08A0 and <= 0x08FF or >= 0xFB50 and <= 0xFDFF or >= 0xFE70 and <= 0xFEFF) return Script.Arabic;
        if (v is >= 0x2E80 and <= 0x9FFF or >= 0xF900 and <= 0xFAFF or >= 0xFF00 and <= 0xFFEF or >= 0x20000 and <= 0x2FFFF) return Script.Han;
        return Script.Latin;
    }

    /// <summary>
    /// Splits a line into tokens a line may break after: a word and its trailing spaces, each Chinese character on
    /// its own (Chinese has no spaces), and a new token wherever the script changes.
    /// </summary>
    private static List<Token> Tokens(Fonts fonts, string text, float size, bool bold)
    {
        var tokens = new List<Token>();
        var current = new StringBuilder();
        Script? script = null;
        void Flush()
        {
            if (current.Length == 0) return;
            var s = script ?? Script.Latin;
            tokens.Add(new Token(current.ToString(), s, Measure(fonts.For(s, bold), current.ToString(), SizeFor(s, size), s, bold)));
            current.Clear();
        }
        foreach (var rune in text.EnumerateRunes())
        {
            var isSpace = Rune.IsWhiteSpace(rune);
            // Spaces stay with the run they follow, so "حساسية من البنسلين" is one right-to-left run; Latin
            // punctuation after it ("»") goes back to the left-to-right line, where the French puts it.
            var s = isSpace ? script ?? Script.Latin : ScriptOf(rune);
            if (script is not null && s != script) Flush();
            else if (current.Length > 0 && !isSpace && (script == Script.Han || Rune.IsWhiteSpace(Rune.GetRuneAt(current.ToString(), current.Length - 1)))) Flush();
            script = s;
            current.Append(rune.ToString());
        }
        Flush();
        return tokens;
    }

    private static IEnumerable<List<Token>> Wrap(Fonts fonts, string text, float width, float size, bool bold)
    {
        var line = new List<Token>();
        var used = 0f;
        foreach (var token in Tokens(fonts, text, size, bold))
        {
            if (line.Count > 0 && used + token.Width > width)
            {
                yield return line;
                line = [];
                used = 0;
            }
            line.Add(token);
            used += token.Width;
        }
        if (line.Count > 0) yield return line;
    }

    // Naskh letters are drawn smaller than Latin ones at the same size: a little larger, they read alike.
    private static float SizeFor(Script script, float size) => script == Script.Arabic ? size * 1.2f : size;

    private static float Measure(SKTypeface face, string text, float size, Script script, bool bold = false)
    {
        using var font = new SKFont(face, size) { Embolden = bold };
        using var shaper = new SKShaper(face);
        using var buffer = Buffer(text, script);
        return shaper.Shape(buffer, font).Width;
    }

    private static HarfBuzzSharp.Buffer Buffer(string text, Script script)
    {
        var buffer = new HarfBuzzSharp.Buffer();
        buffer.AddUtf8(text);
        buffer.GuessSegmentProperties();
        if (script == Script.Arabic) buffer.Direction = Direction.RightToLeft;
        return buffer;
    }

    /// <summary>
    /// One line, left to right (the note is French); consecutive Arabic tokens form one run shaped right to left,
    /// so her words read in their own order. Each run carries its UTF-8 text and clusters, from which the PDF
    /// backend writes the text layer that copy-paste and pdftotext read.
    /// </summary>
    private static void DrawLine(SKCanvas canvas, Fonts fonts, List<Token> tokens, float x, float y, float size, bool bold, SKPaint paint)
    {
        var runs = new List<(string Text, Script Script)>();
        foreach (var t in tokens)
        {
            if (runs.Count > 0 && runs[^1].Script == t.Script && t.Script != Script.Latin) runs[^1] = (runs[^1].Text + t.Text, t.Script);
            else if (runs.Count > 0 && runs[^1].Script == Script.Latin && t.Script == Script.Latin) runs[^1] = (runs[^1].Text + t.Text, t.Script);
            else runs.Add((t.Text, t.Script));
        }
        foreach (var (text, script) in runs)
        {
            // A right-to-left run keeps its trailing space on the right, outside the Arabic words.
            var body = script == Script.Arabic ? text.TrimEnd() : text;
            var trailing = text[body.Length..];
            var face = fonts.For(script, bold);
            using var font = new SKFont(face, SizeFor(script, size)) { Embolden = bold };
            using var shaper = new SKShaper(face);
            using var buffer = Buffer(body, script);
            var shaped = shaper.Shape(buffer, x, y, font);
            var utf8 = Encoding.UTF8.GetBytes(body);
            using (var builder = new SKTextBlobBuilder())
            {
                var run = builder.AllocatePositionedTextRun(font, shaped.Codepoints.Length, utf8.Length);
                var glyphs = run.Glyphs;
                for (var i = 0; i < shaped.Codepoints.Length; i++) glyphs[i] = (ushort)shaped.Codepoints[i];
                run.SetPositions(shaped.Points);
                run.SetText(utf8);
                run.SetClusters(shaped.Clusters);
                using var blob = builder.Build();
                if (blob is not null) canvas.DrawText(blob, 0, 0, paint);
            }
            x += shaped.Width;
            if (trailing.Length > 0) x += Measure(fonts.For(Script.Latin, bold), trailing, size, Script.Latin, bold);
        }
    }

}
