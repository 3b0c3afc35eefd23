using System.Globalization;

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
    string Language);

/// <summary>
/// The note for medical staff, always in French whatever her language: the doctor reads French, and fixed wording
/// per answer means nothing medical goes through a translation. Her free text is passed through as she typed it,
/// marked as such.
/// </summary>
public static class DoctorSummary
{
    public const string Title = "Note pour le personnel médical";

    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

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

    public static readonly IReadOnlyDictionary<string, string> Needs = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["pep"] = "TPE (traitement post-exposition VIH) — à débuter dans les 48 h",
        ["contraception"] = "contraception d'urgence — lévonorgestrel jusqu'à 72 h, ulipristal ou DIU au cuivre jusqu'à 5 jours",
        ["sti-test"] = "dépistage IST / VIH / hépatites",
        ["certificate"] = "certificat médical de constatation (blessures, ITT)",
        ["talk"] = "soutien psychologique, écoute",
    };

    public static readonly IReadOnlyDictionary<string, string> Languages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["fr"] = "français", ["en"] = "anglais", ["es"] = "espagnol", ["pt"] = "portugais", ["ro"] = "roumain",
        ["bg"] = "bulgare", ["ru"] = "russe", ["zh"] = "chinois", ["ar"] = "arabe", ["uk"] = "ukrainien",
    };

    public const string OwnWords = "dans ses mots, non traduit";

    /// <summary>The note, one paragraph per line; <paramref name="today"/> is the Paris date the note is written.</summary>
    public static IReadOnlyList<string> Lines(HealthAnswers a, DateOnly today)
    {
        var lines = new List<string>
        {
            $"Note remplie le {Day(today)} par la patiente, avec un service d'entraide entre pairs.",
            $"Patiente vue pour : {Label(What, a.What)}, {When(a, today)}.",
        };
        lines.AddRange(Delays(a, today));
        lines.Add($"Exposition possible : {List(Exposure, a.Exposure)}.");
        lines.Add($"Symptômes : {List(Symptoms, a.Symptoms)}.");
        lines.Add(a.Pain is { } pain ? $"Douleur : {pain}/10." : "Douleur : non précisée.");
        lines.Add(a.Allergies is { } allergies ? $"Allergies ({OwnWords}) : « {allergies} »" : "Allergies : aucune connue ou non précisée.");
        lines.Add(a.Treatments is { } treatments ? $"Traitements déjà pris ({OwnWords}) : « {treatments} »" : "Traitements déjà pris : aucun ou non précisé.");
        lines.Add(a.Needs.Count == 0 ? "Besoins exprimés : non précisés." : "Besoins exprimés : " + string.Join(" ; ", a.Needs.Select(n => Label(Needs, n))) + ".");
        if (a.Language != "fr")
            lines.Add($"Langue de la patiente : {Label(Languages, a.Language)}. Un interprète peut être nécessaire (droit à un interprète gratuit pour porter plainte).");
        return lines;
    }

    public static string Text(HealthAnswers a, DateOnly today) => string.Join('\n', Lines(a, today));

    private static string When(HealthAnswers a, DateOnly today)
    {
        if (a.Date is not { } date) return a.MoreThanThreeDays ? "il y a plus de 3 jours (date non précisée)" : "date non précisée";
        var days = today.DayNumber - date.DayNumber;
        var ago = days switch { 0 => "aujourd'hui", 1 => "il y a 1 jour", _ => $"il y a {days} jours" };
        return $"{ago} (le {Day(date)})";
    }

    /// <summary>What the delay still allows; the time of day is not asked, so a day count is read conservatively.</summary>
    private static IEnumerable<string> Delays(HealthAnswers a, DateOnly today)
    {
        if (a.Date is not { } date)
        {
            if (a.MoreThanThreeDays)
                yield return "Délais : plus de 72 h, TPE hors délai ; contraception d'urgence encore possible jusqu'à 5 jours (ulipristal, DIU au cuivre) ; dépistage à prévoir.";
            yield break;
        }
        var days = today.DayNumber - date.DayNumber;
        yield return days switch
        {
            <= 1 => "Délais : < 48 h : TPE possible, à débuter au plus vite. < 72 h : contraception d'urgence possible (lévonorgestrel ou ulipristal).",
            2 => "Délais : environ 48 h : TPE peut-être encore possible, à évaluer en urgence. < 72 h : contraception d'urgence possible.",
            3 => "Délais : environ 72 h : TPE probablement hors délai ; contraception d'urgence possible (ulipristal ou DIU au cuivre jusqu'à 5 jours).",
            <= 5 => "Délais : > 72 h : TPE hors délai ; contraception d'urgence encore possible jusqu'à 5 jours (ulipristal, DIU au cuivre).",
            _ => "Délais : > 5 jours : TPE et contraception d'urgence hors délai ; dépistage IST / VIH et suivi à prévoir.",
        };
    }

    private static string List(IReadOnlyDictionary<string, string> labels, IReadOnlyList<string> values) =>
        values.Count == 0 ? "non précisé" : string.Join(", ", values.Select(v => Label(labels, v)));

    private static string Label(IReadOnlyDictionary<string, string> labels, string value) =>
        labels.TryGetValue(value, out var label) ? label : value;

    private static string Day(DateOnly date) => date.ToString("dd/MM/yyyy", French);
}
