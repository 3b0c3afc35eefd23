using System.Collections.Frozen;
using Jasmine.Bots.Localization;

namespace Jasmine.Bots.Tests.Conversations;

public sealed class LocaleTests
{
    internal static string Root([System.Runtime.CompilerServices.CallerFilePath] string path = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(path)!); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Jasmine.Bots.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root");
    }

    private static readonly Locales All = Locales.Load(Path.Combine(Root(), "locales"));

    [Fact]
    public void Every_language_has_every_key_with_the_same_placeholders() => Assert.Empty(All.Validate());

    [Fact]
    public void The_language_choice_names_each_language_in_its_own_words()
    {
        var names = Locales.Supported.Select(l => All[l].NativeName).ToList();
        Assert.Equal(["Français", "English", "Español", "Português", "Română", "Български", "Русский", "中文", "العربية", "Українська"], names);
    }

    [Fact]
    public void Every_language_has_its_own_global_words_and_understands_digits_for_choices()
    {
        foreach (var locale in All.All)
        {
            foreach (var key in new[] { "keywords.menu", "keywords.cancel", "keywords.help", "keywords.yes", "keywords.no", "keywords.join" })
                Assert.NotEmpty(locale.Keywords(key));
        }
    }

    [Fact]
    public void A_missing_key_or_a_wrong_placeholder_is_reported()
    {
        var fr = new LocaleTexts("fr", "Français", new Dictionary<string, string> { ["a"] = "x {code}", ["b"] = "y" }.ToFrozenDictionary());
        var en = new LocaleTexts("en", "English", new Dictionary<string, string> { ["a"] = "x {cod}" }.ToFrozenDictionary());
        var problems = new Locales([fr, en]).Validate();
        Assert.Contains(problems, p => p.Contains("en: missing 'b'"));
        Assert.Contains(problems, p => p.Contains("'a' has placeholders"));
    }
}
