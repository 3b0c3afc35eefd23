using System.Text.RegularExpressions;
using Jasmine.Bots.Help;
using Jasmine.Bots.Localization;

namespace Jasmine.Bots.Tests.Help;

/// <summary>
/// Every delay the doctor's note and her messages state comes from conversations/facts/medical.yaml, and the note
/// never gives two different delays for the same treatment, whatever she answered.
/// </summary>
public sealed partial class HealthFactsTests
{
    public static readonly MedicalFacts Facts = MedicalFacts.Load(Path.Combine(Support.Repository.Path("conversations"), MedicalFacts.RelativePath));

    /// <summary>
    /// The limits a text states per treatment: each "jusqu'à N h", "au plus tard N h", "dans les N h", "< N h",
    /// "(N jours)"… is given to the treatment named last before it on the line.
    /// </summary>
    public static Dictionary<string, HashSet<int>> StatedLimits(IEnumerable<string> lines, IReadOnlyList<string> treatments)
    {
        var stated = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            foreach (Match m in Limit().Matches(line))
            {
                var before = line[..m.Index];
                var named = treatments.Select(t => (Name: t, At: before.LastIndexOf(t, StringComparison.OrdinalIgnoreCase))).Where(x => x.At >= 0).OrderByDescending(x => x.At).FirstOrDefault();
                if (named.Name is null) continue;
                var hours = int.Parse(m.Groups["n"].Value) * (m.Groups["unit"].Value.StartsWith('j') ? 24 : 1);
                if (!stated.TryGetValue(named.Name, out var set)) stated[named.Name] = set = [];
                set.Add(hours);
            }
        }
        return stated;
    }

    [GeneratedRegex(@"(?:jusqu'à|au plus tard|dans les|plus de|<|>|\()\s*(?<n>\d+)\s*(?<unit>h\b|heures|jours)")]
    private static partial Regex Limit();

    private static readonly string[] TreatmentNames = ["TPE", "lévonorgestrel", "ulipristal", "DIU au cuivre", "contraception d'urgence"];

    public static IEnumerable<object?[]> Situations()
    {
        string[] whats = ["sexual-assault", "condom", "unprotected", "assault", "other"];
        foreach (var what in whats)
        {
            foreach (var daysAgo in new int?[] { 0, 1, 2, 3, 4, 5, 6, 10, null })
                foreach (var hour in new int?[] { null, 1, 12, 23 })
                    yield return [what, daysAgo, hour, false];
            yield return [what, null, null, true];
        }
    }

    [Theory]
    [MemberData(nameof(Situations))]
    public void The_note_never_states_two_different_delays_for_the_same_treatment(string what, int? daysAgo, int? hour, bool over3)
    {
        var now = new DateTime(2026, 3, 15, 11, 0, 0);
        var date = daysAgo is { } d ? DateOnly.FromDateTime(now).AddDays(-d) : (DateOnly?)null;
        var time = hour is { } h && !(daysAgo == 0 && h > 11) ? new TimeOnly(h, 0) : (TimeOnly?)null;
        var answers = new HealthAnswers(what, date, over3, ["vaginal", "condom", "blood"], ["pain"], 3, null, null, ["pep", "contraception"], "ar") { Hour = time };
        var lines = DoctorSummary.Lines(answers, now, Facts);
        var stated = StatedLimits(lines, TreatmentNames);
        foreach (var (name, limits) in stated)
            Assert.True(limits.Count == 1, $"{name}: {string.Join(", ", limits)} h in\n{string.Join('\n', lines)}");
        var expected = DoctorSummary.Treatments(Facts).ToDictionary(t => t.Name, t => t.Hours);
        foreach (var (name, limits) in stated)
            if (expected.TryGetValue(name, out var hours)) Assert.Equal(hours, limits.Single());
    }

    [Fact]
    public void The_checker_catches_the_old_contradiction_on_ulipristal()
    {
        string[] old =
        [
            "Délais : < 72 h : contraception d'urgence possible, ulipristal < 72 h.",
            "Besoins : contraception d'urgence, ulipristal jusqu'à 5 jours",
        ];
        var stated = StatedLimits(old, TreatmentNames);
        Assert.Equal([72, 120], stated["ulipristal"].Order());
    }

    [Fact]
    public void Every_treatment_is_stated_with_the_delay_of_the_facts_file_for_a_recent_exposure()
    {
        var now = new DateTime(2026, 3, 15, 11, 0, 0);
        var answers = new HealthAnswers("condom", DateOnly.FromDateTime(now).AddDays(-1), false, ["vaginal"], [], null, null, null, [], "fr") { Hour = new TimeOnly(15, 0) };
        var lines = DoctorSummary.Lines(answers, now, Facts);
        var stated = StatedLimits(lines, TreatmentNames);
        foreach (var (name, hours) in DoctorSummary.Treatments(Facts)) Assert.Equal([hours], stated[name]);
        Assert.Contains(lines, l => l.Contains("Heure de l'exposition : 15:00", StringComparison.Ordinal) && l.Contains("20 h", StringComparison.Ordinal));
    }

    [Fact]
    public void Her_texts_take_the_delays_from_the_facts_file_and_never_write_them_down()
    {
        var locales = Locales.Load(Support.Repository.Path("locales"));
        string[] keys = ["health.urgent.pep", "health.urgent.pep_maybe", "health.urgent.pep_late", "health.urgent.contraception", "health.urgent.reminder"];
        foreach (var locale in locales.All)
            foreach (var key in keys)
            {
                var text = locale.Get(key);
                Assert.DoesNotMatch(@"\b(48|72|120)\b", text);
                Assert.Contains(key.EndsWith("contraception", StringComparison.Ordinal) ? "{levonorgestrel_hours}" : "{pep_hours}", text);
            }
        var placeholders = Facts.Placeholders;
        Assert.Equal("48", placeholders["pep_hours"]);
        Assert.Equal("72", placeholders["levonorgestrel_hours"]);
        Assert.Equal("5", placeholders["ulipristal_days"]);
        Assert.Equal("5", placeholders["copper_iud_days"]);
    }

    [Fact]
    public void The_information_pages_state_the_same_delays_as_the_facts_file()
    {
        var fr = Locales.Load(Support.Repository.Path("locales"))["fr"];
        Assert.Contains($"{Facts.PepHours} h", fr.Get("info.after.1"));
        Assert.Contains($"{Facts.LevonorgestrelHours} h", fr.Get("info.after.2"));
        Assert.Contains($"{Facts.UlipristalHours / 24} jours", fr.Get("info.after.2"));
    }

    [Theory]
    [InlineData("حساسية من البنسلين", "fr", "(en arabe, non traduit)")]
    [InlineData("青霉素过敏", "zh", "(en chinois, non traduit)")]
    [InlineData("пенициллин", "ru", "(en russe, non traduit)")]
    [InlineData("пеніцилін", "uk", "(en ukrainien, non traduit)")]
    [InlineData("penicillin", "en", "(en anglais, non traduit)")]
    [InlineData("penicilina", "ar", "(en alphabet latin, non traduit)")]
    [InlineData("pénicilline", "fr", "(en français, ses mots)")]
    public void Her_own_words_are_passed_through_with_the_language_they_are_written_in(string words, string chatLanguage, string expected) =>
        Assert.Equal(expected, DoctorSummary.OwnWords(words, chatLanguage));

    [Fact]
    public void Allergies_treatments_and_pregnancy_come_before_the_story()
    {
        var now = new DateTime(2026, 3, 15, 11, 0, 0);
        var answers = new HealthAnswers("sexual-assault", DateOnly.FromDateTime(now), false, [], [], null, "البنسلين", "ibuprofène", [], "ar") { Pregnant = "unsure", Hour = new TimeOnly(2, 0) };
        var lines = DoctorSummary.Lines(answers, now, Facts).ToList();
        var allergies = lines.FindIndex(l => l.StartsWith("Allergies (en arabe, non traduit) : « البنسلين »", StringComparison.Ordinal));
        var treatments = lines.FindIndex(l => l.StartsWith("Traitements déjà pris (en alphabet latin, non traduit) : « ibuprofène »", StringComparison.Ordinal));
        var pregnancy = lines.FindIndex(l => l == "Grossesse : ne sait pas.");
        var story = lines.FindIndex(l => l.StartsWith("Patiente vue pour", StringComparison.Ordinal));
        Assert.True(allergies >= 0 && treatments >= 0 && pregnancy >= 0, string.Join('\n', lines));
        Assert.True(allergies < story && treatments < story && pregnancy < story);
        Assert.StartsWith("Note remplie le 15/03/2026 à 11:00", lines[0]);
        Assert.Contains(lines, l => l.Contains("Heure de l'exposition : 02:00", StringComparison.Ordinal) && l.Contains("9 h", StringComparison.Ordinal));
    }
}
