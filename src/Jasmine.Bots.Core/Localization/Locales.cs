using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace Jasmine.Bots.Localization;

/// <summary>One language's texts: a flat key → text map read from <c>locales/xx.yaml</c>.</summary>
public sealed class LocaleTexts(string language, string nativeName, FrozenDictionary<string, string> texts)
{
    public string Language { get; } = language;
    public string NativeName { get; } = nativeName;
    public IReadOnlyDictionary<string, string> Texts { get; } = texts;
    public CultureInfo Culture { get; } = Gregorian(CultureInfo.GetCultureInfo(language == "zh" ? "zh-Hans" : language));

    // Dates are always Gregorian: an Arabic culture may default to the Hijri calendar, and a report dated in
    // another calendar than the team's would be wrong.
    private static CultureInfo Gregorian(CultureInfo culture)
    {
        if (culture.DateTimeFormat.Calendar is GregorianCalendar) return culture;
        if (culture.OptionalCalendars.OfType<GregorianCalendar>().FirstOrDefault() is not { } gregorian) return culture;
        var copy = (CultureInfo)culture.Clone();
        copy.DateTimeFormat.Calendar = gregorian;
        return CultureInfo.ReadOnly(copy);
    }

    public bool Has(string key) => texts.ContainsKey(key);

    public string Get(string key) => texts.TryGetValue(key, out var text) ? text : throw new KeyNotFoundException($"Missing text '{key}' in locale '{Language}'.");

    /// <summary>Keyword lists are texts whose alternatives are separated by '|', compared folded (folded once, then kept: every turn reads them).</summary>
    public IReadOnlyList<string> Keywords(string key) =>
        _keywords.GetOrAdd(key, k => texts.TryGetValue(k, out var list)
            ? list.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(TextFolding.Fold).ToArray()
            : []);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> _keywords = new(StringComparer.Ordinal);
}

/// <summary>All languages of the service. French is the base: every other file must have exactly its keys.</summary>
public sealed partial class Locales
{
    public const string BaseLanguage = "fr";

    /// <summary>The ten languages, in the order the language menu shows them.</summary>
    public static readonly IReadOnlyList<string> Supported = ["fr", "en", "es", "pt", "ro", "bg", "ru", "zh", "ar", "uk"];

    private readonly FrozenDictionary<string, LocaleTexts> _byLanguage;

    public Locales(IEnumerable<LocaleTexts> locales) => _byLanguage = locales.ToFrozenDictionary(l => l.Language);

    public IReadOnlyCollection<LocaleTexts> All => _byLanguage.Values;

    public LocaleTexts this[string language] => _byLanguage.TryGetValue(language, out var l) ? l : _byLanguage[BaseLanguage];

    public bool IsSupported(string language) => _byLanguage.ContainsKey(language);

    public static Locales Load(string directory)
    {
        var deserializer = new DeserializerBuilder().Build();
        var list = new List<LocaleTexts>();
        foreach (var language in Supported)
        {
            var path = Path.Combine(directory, language + ".yaml");
            if (!File.Exists(path)) throw new InvalidOperationException($"Locale file missing: {path}");
            var map = deserializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? [];
            if (!map.TryGetValue("language.native_name", out var native))
                throw new InvalidOperationException($"{path}: 'language.native_name' is missing.");
            list.Add(new LocaleTexts(language, native, map.ToFrozenDictionary()));
        }
        var locales = new Locales(list);
        var problems = locales.Validate();
        if (problems.Count > 0) throw new InvalidOperationException("Locale files are inconsistent:\n" + string.Join('\n', problems));
        return locales;
    }

    /// <summary>Every key in every file, with the same placeholders as the base language.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var baseTexts = _byLanguage[BaseLanguage].Texts;
        foreach (var locale in _byLanguage.Values)
        {
            foreach (var (key, text) in baseTexts)
            {
                if (!locale.Texts.TryGetValue(key, out var translated)) { problems.Add($"{locale.Language}: missing '{key}'"); continue; }
                if (string.IsNullOrWhiteSpace(translated)) { problems.Add($"{locale.Language}: empty '{key}'"); continue; }
                var expected = Placeholders(text);
                var actual = Placeholders(translated);
                if (!expected.SetEquals(actual))
                    problems.Add($"{locale.Language}: '{key}' has placeholders {{{string.Join(",", actual.Order())}}} but {BaseLanguage} has {{{string.Join(",", expected.Order())}}}");
            }
            foreach (var key in locale.Texts.Keys.Where(k => !baseTexts.ContainsKey(k)))
                problems.Add($"{locale.Language}: unknown key '{key}' (not in {BaseLanguage})");
        }
        return problems;
    }

    public static HashSet<string> Placeholders(string text) =>
        PlaceholderPattern().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex PlaceholderPattern();

    /// <summary>
    /// Fills the placeholders. In a right-to-left text every value with a digit and every spaced number is wrapped
    /// in a directional isolate (<see cref="BidiIsolation"/>), so that "+33 6 12 34 56 78" reads in its own order.
    /// </summary>
    public static string Format(string template, IReadOnlyDictionary<string, string>? args)
    {
        var rtl = BidiIsolation.HasRightToLeft(template);
        if (args is null || args.Count == 0) return rtl ? BidiIsolation.IsolateNumbers(template) : template;
        var text = PlaceholderPattern().Replace(template, m => args.TryGetValue(m.Groups[1].Value, out var v) ? (rtl ? BidiIsolation.IsolateValue(v) : v) : m.Value);
        return rtl ? BidiIsolation.IsolateNumbers(text) : text;
    }
}
