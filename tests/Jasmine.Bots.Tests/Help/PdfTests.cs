using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Jasmine.Bots.Help;
using Xunit.Abstractions;

namespace Jasmine.Bots.Tests.Help;

/// <summary>Structure checks a PDF reader relies on: header, objects where the xref says, trailer, %%EOF.</summary>
public static partial class PdfChecks
{
    public static void AssertWellFormed(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        Assert.StartsWith("%PDF-1.4\n", text);
        Assert.EndsWith("%%EOF\n", text);
        var startxref = StartXref().Match(text);
        Assert.True(startxref.Success, "startxref");
        var xrefAt = int.Parse(startxref.Groups[1].Value);
        Assert.Equal("xref\n", text.Substring(xrefAt, 5));
        var header = XrefHeader().Match(text, xrefAt);
        Assert.True(header.Success && header.Index == xrefAt);
        var count = int.Parse(header.Groups[1].Value);
        var entriesAt = header.Index + header.Length;
        Assert.Equal("0000000000 65535 f \n", text.Substring(entriesAt, 20));
        for (var i = 1; i < count; i++)
        {
            var entry = text.Substring(entriesAt + 20 * i, 20);
            Assert.Matches(@"^\d{10} 00000 n \n$", entry);
            var offset = int.Parse(entry[..10]);
            Assert.StartsWith($"{i} 0 obj\n", text[offset..]);
        }
        Assert.Contains($"trailer\n<< /Size {count} /Root 1 0 R", text);
        foreach (Match stream in Stream().Matches(text))
        {
            var length = int.Parse(stream.Groups[1].Value);
            var start = stream.Index + stream.Length;
            Assert.Equal("endstream", text.Substring(start + length, 9));
        }
    }

    [GeneratedRegex(@"startxref\n(\d+)\n%%EOF\n$")]
    private static partial Regex StartXref();

    [GeneratedRegex(@"xref\n0 (\d+)\n")]
    private static partial Regex XrefHeader();

    [GeneratedRegex(@"<< /Length (\d+) >>\nstream\n")]
    private static partial Regex Stream();
}

public sealed class PdfTests(ITestOutputHelper output)
{
    private static readonly HealthAnswers Sample = new("sexual-assault", new DateOnly(2026, 11, 24), false, ["vaginal", "condom"], ["pain", "bleeding"], 7,
        "pénicilline (ou amoxicilline ?) — « je crois »", "пенициллин", ["pep", "contraception", "certificate"], "ru");

    [Fact]
    public void The_note_pdf_has_a_header_objects_where_the_xref_says_a_trailer_and_an_end()
    {
        var pdf = SimplePdf.Render(DoctorSummary.Title, DoctorSummary.Lines(Sample, new DateOnly(2026, 11, 25)));
        PdfChecks.AssertWellFormed(pdf);
        var text = Encoding.Latin1.GetString(pdf);
        Assert.Contains("/BaseFont /Helvetica /Encoding /WinAnsiEncoding", text);
        // French accents as WinAnsi octal escapes: é is \351, « is \253; parentheses in the text are escaped.
        Assert.Contains(@"p\351n\351tration vaginale", text);
        Assert.Contains(@"\(ou amoxicilline ?\)", text);
        Assert.Contains(@"\253 ", text);
        // Cyrillic has no WinAnsi form: shown as '?' (the text message keeps it).
        Assert.Contains("??????????", text);
    }

    [Fact]
    public void WinAnsi_covers_the_french_letters_and_the_windows_1252_punctuation()
    {
        Assert.Equal(new byte[] { 0xE9, 0xE8, 0xE0, 0xE7, 0xF4, 0x9C, 0x80, 0x97, 0x92, (byte)'?' }, SimplePdf.WinAnsi("éèàçôœ€—’ж"));
    }

    [Fact]
    public void Only_text_outside_winansi_is_reported_as_unencodable()
    {
        Assert.True(SimplePdf.CanEncode("Allergie : « pénicilline ? » — œdème"));
        Assert.False(SimplePdf.CanEncode("пенициллин"));
    }

    [Fact]
    public void A_long_note_flows_onto_a_second_page()
    {
        var pdf = SimplePdf.Render("Titre", Enumerable.Range(1, 80).Select(i => $"Ligne {i} : un texte assez long pour voir le retour à la ligne se faire proprement sans déborder de la page."));
        PdfChecks.AssertWellFormed(pdf);
        Assert.Matches(@"/Count [2-9] ", Encoding.Latin1.GetString(pdf));
    }

    [Fact]
    public void Poppler_renders_the_note_when_it_is_installed()
    {
        var pdftoppm = new[] { "/usr/bin/pdftoppm", "/usr/local/bin/pdftoppm" }.FirstOrDefault(File.Exists);
        if (pdftoppm is null) { output.WriteLine("pdftoppm not installed: rendering not checked"); return; }
        var dir = Path.Combine(Path.GetTempPath(), "jasmine-pdf-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "note.pdf");
        File.WriteAllBytes(path, SimplePdf.Render(DoctorSummary.Title, DoctorSummary.Lines(Sample, new DateOnly(2026, 11, 25))));
        using var process = Process.Start(new ProcessStartInfo(pdftoppm, ["-png", "-r", "60", path, Path.Combine(dir, "page")]) { RedirectStandardError = true })!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        output.WriteLine(path);
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("", errors.Trim());
        Assert.True(File.Exists(Path.Combine(dir, "page-1.png")));
    }
}
