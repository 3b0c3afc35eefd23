using System.Globalization;
using YamlDotNet.Serialization;

namespace Jasmine.Bots.Help;

/// <summary>
/// The medical delays of <c>conversations/facts/medical.yaml</c>, the one place they are written (each with its
/// source and date). Her messages get them as placeholders, the doctor's note from here.
/// </summary>
public sealed record MedicalFacts(int PepHours, int LevonorgestrelHours, int UlipristalHours, int CopperIudHours, int UrgentHours)
{
    public const string RelativePath = "facts/medical.yaml";

    public static MedicalFacts Load(string path)
    {
        var values = new DeserializerBuilder().Build().Deserialize<Dictionary<string, string>>(File.ReadAllText(path))
            ?? throw new InvalidOperationException($"{path} is empty.");
        int Hours(string key) =>
            values.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var h) && h > 0
                ? h
                : throw new InvalidOperationException($"{path}: '{key}' must be a whole number of hours.");
        var facts = new MedicalFacts(Hours("pep_hours"), Hours("levonorgestrel_hours"), Hours("ulipristal_hours"), Hours("copper_iud_hours"), Hours("urgent_hours"));
        if (facts.UlipristalHours % 24 != 0 || facts.CopperIudHours % 24 != 0)
            throw new InvalidOperationException($"{path}: ulipristal and copper IUD delays are said in days, give a multiple of 24 hours.");
        return facts;
    }

    /// <summary>The placeholders her texts use, filled from these facts.</summary>
    public IReadOnlyDictionary<string, string> Placeholders => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["pep_hours"] = PepHours.ToString(CultureInfo.InvariantCulture),
        ["levonorgestrel_hours"] = LevonorgestrelHours.ToString(CultureInfo.InvariantCulture),
        ["ulipristal_days"] = (UlipristalHours / 24).ToString(CultureInfo.InvariantCulture),
        ["copper_iud_days"] = (CopperIudHours / 24).ToString(CultureInfo.InvariantCulture),
    };
}
