using Jasmine.Bots.Localization;
using YamlDotNet.Serialization;

namespace Jasmine.Bots.FollowUp;

/// <summary>The follow-up team's texts (locales/staff.fr.yaml): French, the team's working language.</summary>
public sealed class StaffTexts(IReadOnlyDictionary<string, string> texts)
{
    public static StaffTexts Load(string localesDirectory) =>
        new(new DeserializerBuilder().Build().Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(localesDirectory, "staff.fr.yaml"))));

    public string Get(string key, IReadOnlyDictionary<string, string>? args = null) =>
        Locales.Format(texts.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException("staff text " + key), args);
}
