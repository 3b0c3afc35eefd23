using System.Diagnostics;
using System.Text;
using Jasmine.Bots.Help;
using Xunit.Abstractions;

namespace Jasmine.Bots.Tests.Help;

/// <summary>Reads a PDF back with poppler, as a doctor's reader would: its text layer and a rendered page.</summary>
public static class Poppler
{
    public static string Tool(string name) =>
        new[] { "/usr/bin/" + name, "/usr/local/bin/" + name }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed: apt-get install poppler-utils (deploy/ci-prereqs.sh does it).");

    public static (int ExitCode, string Output, string Errors) Run(string tool, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(Tool(tool), args) { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(60_000)) { process.Kill(); throw new TimeoutException(tool); }
        return (process.ExitCode, output.Result, errors);
    }

    public static (int ExitCode, string Output, string Errors) RunOnFile(string tool, byte[] pdf)
    {
        var dir = Directory.CreateTempSubdirectory("jasmine-pdf-");
        try
        {
            var path = Path.Combine(dir.FullName, "note.pdf");
            File.WriteAllBytes(path, pdf);
            return Run(tool, path);
        }
        finally { dir.Delete(recursive: true); }
    }

    public static string Text(byte[] pdf)
    {
        var dir = Directory.CreateTempSubdirectory("jasmine-pdf-");
        try
        {
            var path = Path.Combine(dir.FullName, "note.pdf");
            File.WriteAllBytes(path, pdf);
            var (code, _, errors) = Run("pdftotext", "-enc", "UTF-8", path, Path.Combine(dir.FullName, "note.txt"));
            Assert.True(code == 0, "pdftotext failed: " + errors);
            return File.ReadAllText(Path.Combine(dir.FullName, "note.txt"), Encoding.UTF8);
        }
        finally { dir.Delete(recursive: true); }
    }
}

public sealed class PdfTests(ITestOutputHelper output)
{
    private const string Arabic = "حساسية من البنسلين";
    private const string Chinese = "青霉素过敏";
    private const string Russian = "пенициллин";

    private static readonly HealthAnswers Sample = new("sexual-assault", new DateOnly(2026, 11, 24), false, ["vaginal", "condom"], ["pain", "bleeding"], 7,
        "pénicilline (ou amoxicilline ?) — « je crois »", Russian, ["pep", "contraception", "certificate"], "ru");

    private static IReadOnlyList<string> Paragraphs(params string[] extra) =>
        [.. DoctorSummary.Lines(Sample, new DateTime(2026, 11, 25, 10, 0, 0), HealthFactsTests.Facts), .. extra];

    [Fact]
    public void Pdftotext_reads_back_her_arabic_chinese_and_cyrillic_words_and_the_french_accents_intact()
    {
        var pdf = NotePdf.Render(DoctorSummary.Title, Paragraphs($"Allergies (en arabe, non traduit) : « {Arabic} »", $"Traitements (en chinois, non traduit) : « {Chinese} »"));
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
        var text = Poppler.Text(pdf);
        output.WriteLine(text);
        if (Environment.GetEnvironmentVariable("JASMINE_PDF_OUT") is { Length: > 0 } keep) File.WriteAllBytes(keep, pdf);
        Assert.Contains(Arabic, text);
        Assert.Contains(Chinese, text);
        Assert.Contains(Russian, text);
        Assert.Contains("pénétration vaginale", text);
        Assert.Contains("« je crois »", text);
    }

    [Fact]
    public void The_fonts_are_embedded_subsets_so_any_reader_shows_the_same_letters()
    {
        var pdf = NotePdf.Render(DoctorSummary.Title, Paragraphs(Arabic, Chinese));
        var (code, fonts, errors) = Poppler.RunOnFile("pdffonts", pdf);
        output.WriteLine(fonts);
        Assert.True(code == 0, errors);
        var rows = fonts.Split('\n').Skip(2).Where(l => l.Trim().Length > 0).ToList();
        Assert.Contains(rows, r => r.Contains("+NotoSans-Regular", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("+NotoNaskhArabic-Regular", StringComparison.Ordinal));
        // Skia embeds the CFF outlines of Noto CJK as a Type 3 font: the glyphs are in the file all the same.
        Assert.Contains(rows, r => r.Contains("Type 3", StringComparison.Ordinal));
        // Columns "emb" and "uni": every font is embedded and maps back to Unicode (what pdftotext reads).
        Assert.All(rows, r => Assert.Matches(@"\byes\s+(yes|no)\s+yes\b", r));
        // One Latin face, one Arabic, the Chinese glyphs used: a note stays well under a megabyte.
        Assert.True(pdf.Length < 500_000, $"{pdf.Length} bytes");
    }

    [Fact]
    public void Pdftoppm_rasterises_the_first_page_and_it_is_not_blank()
    {
        var pdf = NotePdf.Render(DoctorSummary.Title, Paragraphs(Arabic, Chinese));
        var dir = Directory.CreateTempSubdirectory("jasmine-ppm-");
        try
        {
            var path = Path.Combine(dir.FullName, "note.pdf");
            File.WriteAllBytes(path, pdf);
            // PGM (greyscale, binary): a header then one byte per pixel, easy to read without an image library.
            var (code, _, errors) = Poppler.Run("pdftoppm", "-gray", "-r", "50", "-f", "1", "-l", "1", path, Path.Combine(dir.FullName, "page"));
            Assert.True(code == 0, errors);
            var image = Directory.GetFiles(dir.FullName, "page*.pgm").Single();
            var bytes = File.ReadAllBytes(image);
            var header = Encoding.ASCII.GetString(bytes, 0, 20).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("P5", header[0]);
            var pixels = int.Parse(header[1]) * int.Parse(header[2]);
            var dark = bytes.AsSpan(bytes.Length - pixels).ToArray().Count(b => b < 128);
            output.WriteLine($"{dark} dark pixels of {pixels}");
            Assert.True(dark > pixels / 500, $"the page looks blank: {dark} dark pixels of {pixels}");
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void A_long_note_flows_onto_a_second_page()
    {
        var pdf = NotePdf.Render("Titre", Enumerable.Range(1, 80).Select(i => $"Ligne {i} : un texte assez long pour voir le retour à la ligne se faire proprement sans déborder de la page."));
        var (code, info, errors) = Poppler.RunOnFile("pdfinfo", pdf);
        Assert.True(code == 0, errors);
        Assert.Matches(@"Pages:\s+[2-9]", info);
    }

    [Fact]
    public void Missing_fonts_give_a_clear_error_naming_the_debian_packages()
    {
        var e = new NoteFontsMissingException("x");
        Assert.Equal("x", e.Message);
        var message = NotePdf.MissingFontsMessage(["NotoSans-Regular.ttf (fonts-noto-core)"], ["/nowhere"]);
        Assert.Contains("fonts-noto-core", message);
        Assert.Contains("/nowhere", message);
        Assert.Contains("apt-get install fonts-noto-core fonts-noto-cjk", message);
    }
}
