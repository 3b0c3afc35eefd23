using System.Text.RegularExpressions;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Sms;
using Jasmine.Bots.Tests.Conversations;
using Xunit.Abstractions;

// Not "…Tests.Localization": that would hide Jasmine.Bots.Localization from tests that name it by its last part.
namespace Jasmine.Bots.Tests.Languages;

/// <summary>The locales keep each language's real spelling; only the SMS renderer folds, and only when it pays.</summary>
public sealed class SpellingAndSmsTests(ITestOutputHelper output)
{
    private static readonly Locales All = Locales.Load(Path.Combine(LocaleTests.Root(), "locales"));
    private static readonly string[] Latin = ["fr", "en", "es", "pt", "ro"];

    [Fact]
    public void French_is_written_with_its_accents()
    {
        var fr = All["fr"];
        // Placeholder names ({departement}) are code, not French.
        var text = Regex.Replace(string.Join("\n", fr.Texts.Where(t => !t.Key.StartsWith("keywords.", StringComparison.Ordinal)).Select(t => t.Value)), @"\{[a-z_]+\}", "");
        // Words that do not exist without their accent (or mean something else): none may appear stripped.
        string[] stripped = ["tres", "deja", "numero", "numeros", "ete", "equipe", "securite", "sante", "medecin", "donnees", "telephone",
            "verifier", "verifie", "reglages", "departement", "prevenues", "francais", "recu", "reponse", "precise", "recit", "effacees"];
        var found = stripped.Where(w => Regex.IsMatch(text, $@"(?<!\p{{L}}){w}(?!\p{{L}})", RegexOptions.IgnoreCase)).ToList();
        Assert.True(found.Count == 0, "stripped accents in fr: " + string.Join(", ", found));
        Assert.DoesNotMatch(@"(?<!\p{L})Ou \?", text);
        foreach (var expected in new[] { "Où ?", "chiffré", "TRÈS DANGEREUX", "déjà", "numéro", "À RISQUE", "Réglages", "français", "préservatif" })
            Assert.Contains(expected, text);
    }

    [Fact]
    public void Spanish_portuguese_and_romanian_keep_their_diacritics_too()
    {
        Assert.Contains("número", All["es"].Get("screen.invalid") + All["es"].Get("join.consent"));
        Assert.Contains("ç", All["pt"].Get("keywords.restart") + All["pt"].Get("welcome.need_code"));
        Assert.Contains("ț", All["ro"].Get("welcome.need_code"));
        Assert.Contains("ă", All["ro"].Get("welcome.need_code"));
    }

    [Fact]
    public void The_sms_renderer_folds_only_what_gsm7_lacks()
    {
        Assert.Equal("Où ? Déjà vérifié, très prete, ca coute 2 €, coeur \" ici \", l'équipe", SmsRendering.Prepare("Où ? Déjà vérifié, très prête, ça coûte 2 €, cœur « ici », l’équipe", "fr"));
        Assert.Equal("Ça va, c'est noté", SmsRendering.Prepare("Ça va, c’est noté", "fr"));
        Assert.Equal("Situatia e sigura, stiu", SmsRendering.Prepare("Situația e sigură, știu", "ro"));
        // Nothing is folded when the message cannot become GSM-7 anyway: her language is sent as written.
        Assert.Equal("très prête 😀", SmsRendering.Prepare("très prête 😀", "fr"));
        Assert.Equal("Это «опасный» номер", SmsRendering.Prepare("Это «опасный» номер", "ru"));
    }

    [Fact]
    public void Segments_are_counted_exactly()
    {
        Assert.Equal(1, SmsSegments.Count(new string('a', 160)));
        Assert.Equal(2, SmsSegments.Count(new string('a', 161)));
        // Extension characters cost two septets: 80 € fill one segment, 81 do not.
        Assert.Equal(1, SmsSegments.Count(new string('€', 80)));
        Assert.Equal(2, SmsSegments.Count(new string('€', 81)));
        // One character outside GSM-7 makes the whole message UCS-2: 70 a segment, 67 once split.
        Assert.Equal(1, SmsSegments.Count(new string('a', 69) + "ê"));
        Assert.Equal(3, SmsSegments.Count(new string('a', 160) + "ê"));
        // A fold that would cost more than the original is not made (here it cannot happen: GSM-7 is never dearer).
        var long_ = string.Concat(Enumerable.Repeat("œ", 70));
        Assert.True(SmsSegments.Count(SmsRendering.Prepare(long_, "fr")) <= SmsSegments.Count(long_));
    }

    [Fact]
    public void Every_text_of_every_language_renders_for_sms_within_three_segments_and_latin_languages_in_gsm7()
    {
        var failures = new List<string>();
        foreach (var locale in All.All)
        {
            var worst = (Segments: 0, Key: "");
            foreach (var (key, text) in SampleTexts.Filled(locale))
            {
                var sms = SmsRendering.Prepare(text, locale.Language);
                var segments = SmsSegments.Count(sms);
                if (segments > worst.Segments) worst = (segments, key);
                if (segments > 3) failures.Add($"{locale.Language} {key}: {segments} segments");
                // The language menu and the greeting before it are in every script; everything else in a Latin language is GSM-7.
                if (Latin.Contains(locale.Language) && !SmsSegments.IsGsm7(sms) && key is not ("language.native_name" or "join.language"))
                    failures.Add($"{locale.Language} {key}: not GSM-7 after folding: {sms}");
                // Folding never touches a text that is already GSM-7, and never leaves one dearer than written.
                if (segments > SmsSegments.Count(text)) failures.Add($"{locale.Language} {key}: folding made it dearer");
            }
            output.WriteLine($"{locale.Language}: worst {worst.Segments} segment(s) at {worst.Key}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void Dates_are_gregorian_in_every_language()
    {
        var date = new DateTime(2026, 11, 12);
        foreach (var locale in All.All)
        {
            Assert.IsType<System.Globalization.GregorianCalendar>(locale.Culture.DateTimeFormat.Calendar);
            Assert.Contains("2026", date.ToString("d MMMM yyyy", locale.Culture));
        }
        // Saudi Arabic defaults to the Hijri (Umm al-Qura) calendar: the locale's culture must not.
        Assert.IsNotType<System.Globalization.GregorianCalendar>(System.Globalization.CultureInfo.GetCultureInfo("ar-SA").DateTimeFormat.Calendar);
    }
}
