using Jasmine.Bots.Localization;

// Not "…Tests.Localization": that would hide Jasmine.Bots.Localization from tests that name it by its last part.
namespace Jasmine.Bots.Tests.Languages;

/// <summary>Realistic values for every placeholder, in the language of the text, as the host fills them.</summary>
internal static class SampleTexts
{
    public const string Phone = "+33 6 12 34 56 78";
    public const string OtherPhone = "+33 6 98 76 54 32";

    public static Dictionary<string, string> Args(LocaleTexts l)
    {
        var month = new DateTime(2026, 11, 12).ToString("MMMM yyyy", l.Culture);
        return new Dictionary<string, string>
        {
            ["identifier"] = Phone,
            ["identifiers"] = Phone + ", AB-123-CD",
            ["number"] = OtherPhone,
            ["phone"] = "04 91 00 00 00",
            ["reference"] = "R-7K2Q",
            ["code"] = "K7Q2M9XD4P",
            ["departement"] = "13",
            ["month"] = month,
            ["date"] = new DateTime(2026, 11, 12).ToString("d MMMM yyyy", l.Culture),
            ["day"] = l.Culture.DateTimeFormat.GetDayName(DayOfWeek.Wednesday),
            ["time"] = "09:30",
            ["km"] = "12",
            ["line"] = "116 006",
            ["hours"] = "24h/24",
            ["categories"] = l.Get("category.stealthing") + ", " + l.Get("category.sexual-aggression"),
            ["kind"] = l.Get("services.kind.clinic"),
            ["place"] = "Marseille 13001",
            ["pseudonym"] = "Lili",
            ["selected"] = l.Get("health.exposure.vaginal") + ", " + l.Get("health.exposure.condom"),
            ["text"] = l.Get("report.contact_number"),
            ["tip"] = l.Get("tip.3"),
            ["what"] = l.Get("category.rape"),
            ["when"] = l.Get("report.when_evening"),
            ["who"] = Phone,
            ["words"] = l.Get("report.summary_words_given"),
            ["contact"] = Locales.Format(l.Get("report.summary_contact_number"), new Dictionary<string, string> { ["number"] = OtherPhone, ["when"] = l.Get("report.when_evening") }),
        };
    }

    /// <summary>Every text a member can receive (keyword lists excluded), filled with the sample values.</summary>
    public static IEnumerable<(string Key, string Text)> Filled(LocaleTexts l)
    {
        var args = Args(l);
        return l.Texts.Where(t => !t.Key.StartsWith("keywords.", StringComparison.Ordinal)).Select(t => (t.Key, Locales.Format(t.Value, args)));
    }
}
