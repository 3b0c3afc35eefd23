using System.Collections.Frozen;
using System.Globalization;
using Jasmine.Bots.Localization;
using YamlDotNet.Serialization;

namespace Jasmine.Bots.Staff;

/// <summary>The console's own texts (locales/staff-ui.fr.yaml and .en.yaml), apart from what members read.</summary>
public sealed class StaffUiTexts
{
    public static readonly IReadOnlyList<string> Languages = ["fr", "en"];
    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _byLanguage;

    public StaffUiTexts(string localesDirectory)
    {
        var deserializer = new DeserializerBuilder().Build();
        _byLanguage = Languages.ToFrozenDictionary(l => l, l => deserializer
            .Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(localesDirectory, $"staff-ui.{l}.yaml"))).ToFrozenDictionary());
        var missing = _byLanguage["fr"].Keys.Except(_byLanguage["en"].Keys).Concat(_byLanguage["en"].Keys.Except(_byLanguage["fr"].Keys)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException("staff-ui locale files differ on: " + string.Join(", ", missing));
    }

    public IReadOnlyCollection<string> Keys => _byLanguage["en"].Keys;

    public string Get(string language, string key) =>
        _byLanguage[language].TryGetValue(key, out var text) ? text : throw new KeyNotFoundException("staff-ui text " + key);
}

/// <summary>The texts in the language of this request: the switch's cookie, else the browser's Accept-Language, else French.</summary>
public sealed class StaffUi(StaffUiTexts texts, IHttpContextAccessor accessor)
{
    public const string Cookie = "jasmine.staff.lang";

    public string Language { get; } = Pick(accessor.HttpContext);

    public string this[string key] => texts.Get(Language, key);

    public string Format(string key, params (string Name, object Value)[] args) =>
        Locales.Format(this[key], args.ToDictionary(a => a.Name, a => Convert.ToString(a.Value, CultureInfo.InvariantCulture) ?? ""));

    public CultureInfo Culture => CultureInfo.GetCultureInfo(Language == "fr" ? "fr-FR" : "en-GB");

    public string Date(DateTime utc) => utc.ToString("d MMM yyyy", Culture);
    public string DateTime(DateTime utc) => utc.ToString("d MMM yyyy HH:mm 'UTC'", Culture);

    private static string Pick(HttpContext? http)
    {
        if (http is null) return "fr";
        if (http.Request.Cookies.TryGetValue(Cookie, out var chosen) && StaffUiTexts.Languages.Contains(chosen)) return chosen;
        var accepted = http.Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1);
        foreach (var l in accepted)
        {
            var two = l.Value.Value?.Split('-')[0].ToLowerInvariant();
            if (two is not null && StaffUiTexts.Languages.Contains(two)) return two;
        }
        return "fr";
    }
}
