using Jasmine.Bots.Conversations;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Tests.Conversations;

namespace Jasmine.Bots.Tests.Help;

public sealed class KeywordClashTests
{
    /// <summary>
    /// A tapped button sends its value; a value that is also a global word in some language ("health", "safety")
    /// would restart another flow instead of answering the question ("info" meant rights but is a word of help).
    /// </summary>
    [Fact]
    public void No_choice_value_is_a_global_word_in_any_language()
    {
        var root = LocaleTests.Root();
        var locales = Locales.Load(Path.Combine(root, "locales"));
        var flows = FlowSet.Load(Path.Combine(root, "conversations"));
        var globalWords = flows.Globals.Globals
            .SelectMany(g => locales.All.SelectMany(l => l.Keywords(g.Words)).Select(w => (Word: w, g.Flow)))
            .ToList();
        var clashes = new List<string>();
        foreach (var flow in flows.Flows.Values)
            foreach (var (id, step) in flow.Steps)
                foreach (var choice in step.Choices ?? [])
                    foreach (var (word, target) in globalWords.Where(g => g.Word == TextFolding.Fold(choice.Value)))
                        // Harmless when the word leads where the button does ("Menu", "Report" in the main menu).
                        if (!(step.Cases?.GetValueOrDefault(choice.Value) is { } to && to.Split('/')[0] == "@" + target) && !(target == "menu" && choice.Value == "menu"))
                            clashes.Add($"{flow.Id}.{id}: value '{choice.Value}' is a word of @{target}");
        Assert.True(clashes.Count == 0, string.Join('\n', clashes.Distinct()));
    }
}
