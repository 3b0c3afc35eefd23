using System.Globalization;
using System.Text;

namespace Jasmine.Bots.Help;

/// <summary>The answers of the health questionnaire, as choice values and her own words.</summary>
public sealed record HealthAnswers(
    string What,
    DateOnly? Date,
    bool MoreThanThreeDays,
    IReadOnlyList<string> Exposure,
    IReadOnlyList<string> Symptoms,
    int? Pain,
    string? Allergies,
    string? Treatments,
    IReadOnlyList<string> Needs,
    string Language)
{
    /// <summary>Paris time of the exposure, when she gave it.</summary>
    public TimeOnly? Hour { get; init; }

    /// <summary>yes, no, unsure, or null when not asked or skipped.</summary>
    public string? Pregnant { get; init; }
}

/// <summary>How long ago the exposure was, as a range of hours when the hour (or the day) is not known.</summary>
public readonly record struct ExposureDelay(double MinHours, double? MaxHours)
{
    public bool Known => MaxHours is { } max && max - MinHours < 0.01;

    /// <summary>From what she said; null when nothing dates it.</summary>
    public static ExposureDelay? Of(HealthAnswers a, DateTime nowParis) =>
        a.Date is { } date ? Of(date, a.Hour, nowParis) : a.MoreThanThreeDays ? new ExposureDelay(72, null) : null;

    /// <summary>From the day (Paris time) and, when she gave it, the hour.</summary>
    public static ExposureDelay Of(DateOnly date, TimeOnly? hour, DateTime nowParis)
    {
        if (hour is { } h)
        {
            var hours = (nowParis - date.ToDateTime(h)).TotalHours;
            return new ExposureDelay(Math.Max(0, hours), Math.Max(0, hours));
        }
        // Any time that day: from its end (or now, for today) to its start.
        var start = date.ToDateTime(TimeOnly.MinValue);
        var end = date == DateOnly.FromDateTime(nowParis) ? nowParis : start.AddDays(1);
        return new ExposureDelay(Math.Max(0, (nowParis - end).TotalHours), Math.Max(0, (nowParis - start).TotalHours));
    }

    /// <summary>The exposure may still be within <paramref name="hours"/>.</summary>
    public bool MayBeWithin(int hours) => MinHours < hours;
}

/// <summary>
/// The note for medical staff, always in French whatever her language: the doctor reads French, and fixed wording
/// per answer means nothing medical goes through a translation. Her free text is passed through as she typed it,
/// with the language it is written in. What a doctor must know before prescribing (allergies, treatments already
/// taken, a possible pregnancy) comes first; every delay comes from <see cref="MedicalFacts"/>, stated once.
/// </summary>
public static class DoctorSummary
{
    public const string Title = "Note pour le personnel médical";

    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    /// <summary>Situations where HIV and pregnancy may follow: the ones that get the urgent advice.</summary>
    public static readonly IReadOnlySet<string> ExposureSituations = new HashSet<string>(StringComparer.Ordinal) { "sexual-assault", "condom", "unprotected" };

    public static readonly IReadOnlyDictionary<string, string> What = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["sexual-assault"] = "agression sexuelle",
        ["assault"] = "violences physiques (coups)",
        ["condom"] = "rupture ou retrait du préservatif",
        ["unprotected"] = "rapport sexuel non protégé",
        ["other"] = "autre situation",
    };

    public static readonly IReadOnlyDictionary<string, string> Exposure = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["vaginal"] = "pénétration vaginale",
        ["anal"] = "pénétration anale",
        ["oral"] = "pénétration orale",
        ["condom"] = "préservatif rompu ou retiré",
        ["blood"] = "contact avec du sang",
        ["unsure"] = "aucune ou incertaine",
    };

    public static readonly IReadOnlyDictionary<string, string> Symptoms = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["pain"] = "douleurs",
        ["bleeding"] = "saignements",
        ["discharge"] = "pertes ou écoulement inhabituels",
        ["fever"] = "fièvre",
        ["none"] = "aucun symptôme signalé",
    };

    // No delay here: each is stated once, on its own line (see Delays).
    public static readonly IReadOnlyDictionary<string, string> Needs = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["pep"] = "TPE (traitement post-exposition VIH)",
        ["contraception"] = "contraception d'urgence",
        ["sti-test"] = "dépistage IST / VIH / hépatites",
        ["certificate"] = "certificat médical de constatation (blessures, ITT)",
        ["talk"] = "soutien psychologique, écoute",
    };

    public static readonly IReadOnlyDictionary<string, string> Pregnancy = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["yes"] = "possible ou en cours, selon la patiente",
        ["no"] = "non, selon la patiente",
        ["unsure"] = "ne sait pas",
    };

    public static readonly IReadOnlyDictionary<string, string> Languages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["fr"] = "français", ["en"] = "anglais", ["es"] = "espagnol", ["pt"] = "portugais", ["ro"] = "roumain",
        ["bg"] = "bulgare", ["ru"] = "russe", ["zh"] = "chinois", ["ar"] = "arabe", ["uk"] = "ukrainien",
    };

    /// <summary>The treatments whose delay the note states, by the name the note gives them.</summary>
    public static IReadOnlyList<(string Name, int Hours)> Treatments(MedicalFacts f) =>
    [
        ("TPE", f.PepHours),
        ("lévonorgestrel", f.LevonorgestrelHours),
        ("ulipristal", f.UlipristalHours),
        ("DIU au cuivre", f.CopperIudHours),
    ];

    /// <summary>The note, one paragraph per line; <paramref name="nowParis"/> is when it is written, Paris time.</summary>
    public static IReadOnlyList<string> Lines(HealthAnswers a, DateTime nowParis, MedicalFacts facts)
    {
        var delay = ExposureDelay.Of(a, nowParis);
        var lines = new List<string>
        {
            $"Note remplie le {Day(DateOnly.FromDateTime(nowParis))} à {Time(nowParis)} (heure de Paris) par la patiente, avec un service d'entraide entre pairs.",
            "— À savoir avant de prescrire —",
            a.Allergies is { } allergies ? $"Allergies {OwnWords(allergies, a.Language)} : « {allergies} »" : "Allergies : aucune connue ou non précisée.",
            a.Treatments is { } treatments ? $"Traitements déjà pris {OwnWords(treatments, a.Language)} : « {treatments} »" : "Traitements déjà pris : aucun ou non précisé.",
            $"Grossesse : {(a.Pregnant is { } p ? Label(Pregnancy, p) : "non précisé")}.",
            "— Motif —",
            $"Patiente vue pour : {Label(What, a.What)}, {When(a, nowParis)}.",
        };
        if (Exposed(a) && delay is { } d) lines.Add(ExposureLine(a, d));
        lines.AddRange(Delays(a, delay, facts));
        lines.Add($"Exposition possible : {List(Exposure, a.Exposure)}.");
        lines.Add($"Symptômes : {List(Symptoms, a.Symptoms)}.");
        lines.Add(a.Pain is { } pain ? $"Douleur : {pain}/10." : "Douleur : non précisée.");
        lines.Add(a.Needs.Count == 0 ? "Besoins exprimés : non précisés." : "Besoins exprimés : " + string.Join(" ; ", a.Needs.Select(n => Label(Needs, n))) + ".");
        if (a.Language != "fr")
            lines.Add($"Langue de la patiente : {Label(Languages, a.Language)}. Un interprète peut être nécessaire (droit à un interprète gratuit pour porter plainte).");
        return lines;
    }

    public static string Text(HealthAnswers a, DateTime nowParis, MedicalFacts facts) => string.Join('\n', Lines(a, nowParis, facts));

    /// <summary>Whether HIV treatment or emergency contraception may be at stake.</summary>
    public static bool Exposed(HealthAnswers a) =>
        ExposureSituations.Contains(a.What) || a.Exposure.Any(e => e is "vaginal" or "anal" or "oral" or "condom" or "blood");

    private static string When(HealthAnswers a, DateTime nowParis)
    {
        if (a.Date is not { } date) return a.MoreThanThreeDays ? "il y a plus de 3 jours (date non précisée)" : "date non précisée";
        var days = DateOnly.FromDateTime(nowParis).DayNumber - date.DayNumber;
        var ago = days switch { 0 => "aujourd'hui", 1 => "il y a 1 jour", _ => $"il y a {days} jours" };
        return $"{ago} (le {Day(date)}{(a.Hour is { } h ? " à " + Time(h) : "")})";
    }

    private static string ExposureLine(HealthAnswers a, ExposureDelay d)
    {
        if (a.Date is null) return "Heure de l'exposition : non précisée ; délai depuis l'exposition : plus de 72 h.";
        if (a.Hour is { } hour) return $"Heure de l'exposition : {Time(hour)} (heure de Paris) ; délai depuis l'exposition : {Hours(d.MinHours)} au moment de la note.";
        return $"Heure de l'exposition : non précisée ; délai depuis l'exposition : entre {Hours(d.MinHours)} et {Hours(d.MaxHours!.Value)} au moment de la note.";
    }

    /// <summary>One line per treatment, each limit stated once, with what the delay still allows.</summary>
    private static IEnumerable<string> Delays(HealthAnswers a, ExposureDelay? delay, MedicalFacts f)
    {
        if (!Exposed(a) && !a.Needs.Contains("pep") && !a.Needs.Contains("contraception")) yield break;
        yield return $"TPE (traitement post-exposition VIH) : le plus tôt possible, au plus tard {f.PepHours} h après l'exposition — {Status(delay, f.PepHours)}";
        if (a.What == "assault" && !a.Needs.Contains("contraception") && !a.Exposure.Any(e => e is "vaginal" or "condom")) yield break;
        yield return $"Contraception d'urgence, lévonorgestrel : jusqu'à {f.LevonorgestrelHours} h — {Status(delay, f.LevonorgestrelHours)}";
        yield return $"Contraception d'urgence, ulipristal : jusqu'à {f.UlipristalHours} h ({f.UlipristalHours / 24} jours) — {Status(delay, f.UlipristalHours)}";
        yield return $"Contraception d'urgence, DIU au cuivre : jusqu'à {f.CopperIudHours} h ({f.CopperIudHours / 24} jours) — {Status(delay, f.CopperIudHours)}";
    }

    private static string Status(ExposureDelay? delay, int limit)
    {
        if (delay is not { } d) return "délai inconnu, à évaluer.";
        if (d.MinHours >= limit) return "délai dépassé.";
        if (d.MaxHours is { } max && max < limit) return $"encore possible (reste : {Hours(limit - max)}).";
        return "délai peut-être dépassé, à évaluer en urgence.";
    }

    /// <summary>"(en arabe, non traduit)": the script tells the language when her chat language cannot.</summary>
    public static string OwnWords(string text, string chatLanguage)
    {
        var language = WrittenIn(text, chatLanguage);
        return language == "français" ? "(en français, ses mots)" : $"(en {language}, non traduit)";
    }

    internal static string WrittenIn(string text, string chatLanguage)
    {
        var arabic = 0; var han = 0; var cyrillic = 0; var latin = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune)) continue;
            var v = rune.Value;
            if (v is >= 0x0600 and <= 0x06FF or >= 0x0750 and <= 0x077F or >= 0xFB50 and <= 0xFDFF or >= 0xFE70 and <= 0xFEFF) arabic++;
            else if (v is >= 0x3400 and <= 0x9FFF or >= 0xF900 and <= 0xFAFF or >= 0x20000 and <= 0x2FFFF) han++;
            else if (v is >= 0x0400 and <= 0x052F) cyrillic++;
            else latin++;
        }
        var most = new[] { (arabic, "ar"), (han, "zh"), (cyrillic, "cyr"), (latin, "lat") }.MaxBy(x => x.Item1);
        return most.Item2 switch
        {
            "ar" => "arabe",
            "zh" => "chinois",
            "cyr" => chatLanguage is "ru" or "bg" or "uk" ? Label(Languages, chatLanguage) : "alphabet cyrillique",
            _ => chatLanguage is "ar" or "zh" or "ru" or "bg" or "uk" ? "alphabet latin" : Label(Languages, chatLanguage),
        };
    }

    private static string List(IReadOnlyDictionary<string, string> labels, IReadOnlyList<string> values) =>
        values.Count == 0 ? "non précisé" : string.Join(", ", values.Select(v => Label(labels, v)));

    private static string Label(IReadOnlyDictionary<string, string> labels, string value) =>
        labels.TryGetValue(value, out var label) ? label : value;

    private static string Hours(double h) => h < 1 ? "moins d'1 h" : $"{Math.Floor(h).ToString("0", French)} h";

    private static string Day(DateOnly date) => date.ToString("dd/MM/yyyy", French);

    private static string Time(DateTime t) => t.ToString("HH:mm", French);

    private static string Time(TimeOnly t) => t.ToString("HH:mm", French);
}
