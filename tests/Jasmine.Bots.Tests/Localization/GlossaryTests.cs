using Jasmine.Bots.Localization;
using Jasmine.Bots.Tests.Conversations;

// Not "…Tests.Localization": that would hide Jasmine.Bots.Localization from tests that name it by its last part.
namespace Jasmine.Bots.Tests.Languages;

/// <summary>locales/GLOSSARY.md is the one translation of each term that matters for safety and for the statistics.</summary>
public sealed class GlossaryTests
{
    private static readonly string Root = LocaleTests.Root();
    private static readonly Locales All = Locales.Load(Path.Combine(Root, "locales"));
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(Root, "locales", "GLOSSARY.md"));

    private static List<string[]> Table(string heading)
    {
        var start = Array.FindIndex(Lines, l => l.Trim() == heading);
        Assert.True(start >= 0, $"GLOSSARY.md has no '{heading}'");
        return Lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .Where(cells => !cells[0].StartsWith("---", StringComparison.Ordinal))
            .ToList();
    }

    [Fact]
    public void Every_term_reads_in_every_language_as_the_glossary_says()
    {
        var table = Table("## Terms");
        var header = table[0];
        Assert.Equal(["term", "key", "rule", .. Locales.Supported], header);
        var rows = table.Skip(1).ToList();
        Assert.True(rows.Count >= 20, $"only {rows.Count} terms");
        var problems = new List<string>();
        foreach (var row in rows)
        {
            var key = row[1].Trim('`');
            for (var i = 0; i < Locales.Supported.Count; i++)
            {
                var language = Locales.Supported[i];
                var text = All[language].Get(key);
                var term = row[3 + i];
                var ok = row[2] switch
                {
                    "is" => text == term,
                    "contains" => text.Contains(term, StringComparison.OrdinalIgnoreCase),
                    var rule => throw new InvalidOperationException($"unknown rule '{rule}'"),
                };
                if (!ok) problems.Add($"{language} {key}: '{text}' does not {row[2]} '{term}' ({row[0]})");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_category_label_is_in_the_glossary()
    {
        var keys = Table("## Terms").Skip(1).Where(r => r[2] == "is").Select(r => r[1].Trim('`')).ToHashSet();
        var categories = All["fr"].Texts.Keys.Where(k => k.StartsWith("category.", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, categories.Count);
        Assert.All(categories, c => Assert.Contains(c, keys));
    }

    [Fact]
    public void The_wrong_words_appear_in_no_text()
    {
        var rows = Table("## Never").Skip(1).ToList();
        Assert.NotEmpty(rows);
        var found = from r in rows
                    from t in All[r[0]].Texts
                    where !t.Key.StartsWith("keywords.", StringComparison.Ordinal) && !t.Key.StartsWith("telegram.", StringComparison.Ordinal)
                          && t.Value.Contains(r[1], StringComparison.Ordinal)
                    select $"{r[0]} {t.Key}: '{r[1]}' ({r[2]})";
        Assert.Empty(found);
    }
}
