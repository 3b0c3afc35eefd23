using System.Text.RegularExpressions;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Tests.Conversations;

// Not "…Tests.Localization": that would hide Jasmine.Bots.Localization from tests that name it by its last part.
namespace Jasmine.Bots.Tests.Languages;

/// <summary>
/// The words that work anywhere must never take an answer or a cry for help for a command, and no text may lead
/// an SMS user to a carrier's opt-out word (which silently stops every SMS, warnings included).
/// </summary>
public sealed partial class KeywordSafetyTests
{
    private static readonly string Root = LocaleTests.Root();
    private static readonly Locales All = Locales.Load(Path.Combine(Root, "locales"));
    private static readonly FlowSet Flows = FlowSet.Load(Path.Combine(Root, "conversations"));

    /// <summary>Twilio's and the usual carriers' opt-out words, and the French operators' ARRET (see SmsKeywords).</summary>
    internal static readonly string[] CarrierOptOut = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "ARRET", "ARRÊT"];

    private static IEnumerable<(string Language, string Word, GlobalWord Global)> GlobalWords() =>
        from g in Flows.Globals.Globals from l in All.All from w in l.Keywords(g.Words) select (l.Language, w, g);

    // An example given inside a question: what stands between brackets, piece by piece ("TPE, pilule du lendemain…").
    private static IEnumerable<string> Examples(string text)
    {
        foreach (Match m in Bracketed().Matches(text))
        {
            foreach (var piece in Separators().Split(m.Groups[1].Value))
            {
                var folded = TextFolding.Fold(piece.Replace("等", "", StringComparison.Ordinal));
                if (folded.Length == 0) continue;
                yield return folded;
                // "ex : 75", "e.g. PEP", "напр. ПКП": the example without its marker.
                var space = folded.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0) yield return folded[(space + 1)..];
            }
        }
    }

    [GeneratedRegex(@"[(（]([^()（）]*)[)）]")]
    private static partial Regex Bracketed();

    [GeneratedRegex(@"[,，、،;؛/]|\.\.\.|…")]
    private static partial Regex Separators();

    [Fact]
    public void No_example_inside_a_question_is_a_global_word_in_any_language()
    {
        // Only the ways out (cancel, menu, wipe, erase) may be named in a question: "(ANNULER)" is meant to be typed.
        var commands = GlobalWords().Where(g => !g.Global.DuringText).ToList();
        // The questions where she types her answer (a date, a place, a number, her own words…).
        var typed = Flows.Flows.Values.SelectMany(f => f.Steps.Values).Where(s => s is { Ask: not null, Input: not null }).Select(s => s.Ask!).ToHashSet();
        Assert.Contains("health.treatments", typed);
        var clashes = new List<string>();
        foreach (var locale in All.All)
            foreach (var (key, text) in locale.Texts.Where(t => typed.Contains(t.Key)))
                foreach (var example in Examples(text).Distinct())
                    foreach (var (language, word, global) in commands.Where(c => c.Word == example))
                        clashes.Add($"{locale.Language} {key}: example '{example}' is a {language} word of @{global.Flow}");
        Assert.True(clashes.Count == 0, string.Join('\n', clashes.Distinct()));
    }

    [Fact]
    public void The_treatments_question_examples_are_answers_not_the_health_keyword()
    {
        var health = All.All.SelectMany(l => l.Keywords("keywords.health")).ToHashSet();
        foreach (var example in new[] { "TPE", "ПКП", "阻断药", "PEP" })
            Assert.DoesNotContain(TextFolding.Fold(example), health);
        // And the examples are really there, so the test above looks at something.
        Assert.Contains("tpe", Examples(All["fr"].Get("health.treatments")));
        Assert.Contains("пкп", Examples(All["ru"].Get("health.treatments")));
    }

    [Fact]
    public void No_keyword_of_any_language_is_a_carrier_opt_out_word()
    {
        var carrier = CarrierOptOut.Select(TextFolding.Fold).ToHashSet();
        var found = from l in All.All
                    from t in l.Texts where t.Key.StartsWith("keywords.", StringComparison.Ordinal)
                    from w in l.Keywords(t.Key) where carrier.Contains(w)
                    select $"{l.Language} {t.Key}: '{w}'";
        Assert.Empty(found);
    }

    [Fact]
    public void No_text_tells_her_to_send_a_carrier_opt_out_word_and_no_choice_is_labelled_with_one()
    {
        var carrier = CarrierOptOut.Select(TextFolding.Fold).ToHashSet();
        var problems = new List<string>();
        foreach (var locale in All.All)
        {
            foreach (var (key, text) in locale.Texts)
            {
                // Telegram's command menu is shown on Telegram only, where these words mean nothing to a carrier.
                if (key.StartsWith("keywords.", StringComparison.Ordinal) || key.StartsWith("telegram.", StringComparison.Ordinal)) continue;
                foreach (var word in CarrierOptOut)
                    if (Regex.IsMatch(text, $@"(?<![\p{{L}}]){Regex.Escape(word)}(?![\p{{L}}])")) problems.Add($"{locale.Language} {key}: says {word}");
                if (text.Length < 30 && carrier.Contains(TextFolding.Fold(text))) problems.Add($"{locale.Language} {key}: label '{text}'");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_language_has_cries_for_help_and_none_of_them_is_another_word()
    {
        var distressKey = Flows.Globals.Distress;
        Assert.NotNull(distressKey);
        var distress = All.All.SelectMany(l => l.Keywords(distressKey).Select(w => (l.Language, Word: w))).ToList();
        foreach (var language in Locales.Supported)
            Assert.True(distress.Count(d => d.Language == language) >= 3, $"{language}: too few cries for help");
        foreach (var phrase in new[] { "help me", "au secours", "ajută-mă", "ساعدني", "ساعديني", "救命", "求助", "帮忙", "помогите", "допоможіть", "socorro", "помогнете" })
            Assert.Contains(TextFolding.Fold(phrase), distress.Select(d => d.Word));

        // A cry for help is never the usage help, nor any other word (a "yes", a "skip", a global word).
        var others = from l in All.All
                     from t in l.Texts where t.Key.StartsWith("keywords.", StringComparison.Ordinal) && t.Key != distressKey
                     from w in l.Keywords(t.Key) select (l.Language, t.Key, Word: w);
        var clashes = others.Join(distress, o => o.Word, d => d.Word, (o, d) => $"'{d.Word}' ({d.Language}) is also {o.Language} {o.Key}").ToList();
        // Nor a button: a tapped choice sends its value ("emergency" is the kind of service she picks), and she may type its label.
        var words = distress.Select(d => d.Word).ToHashSet();
        foreach (var flow in Flows.Flows.Values)
            foreach (var (id, step) in flow.Steps)
                foreach (var choice in step.Choices ?? [])
                {
                    if (words.Contains(TextFolding.Fold(choice.Value))) clashes.Add($"{flow.Id}.{id}: value '{choice.Value}' is a cry for help");
                    foreach (var l in All.All.Where(l => words.Contains(TextFolding.Fold(l.Get(choice.Label)))))
                        clashes.Add($"{flow.Id}.{id}: {l.Language} label '{l.Get(choice.Label)}' is a cry for help");
                }
        Assert.True(clashes.Count == 0, string.Join('\n', clashes));
    }

    [Fact]
    public void Every_cry_for_help_reply_and_severe_case_reply_gives_the_numbers_that_work_from_any_phone_in_france()
    {
        string[] numbers = ["17", "112", "114", "15", "3919"];
        string[] keys = ["distress.text", "help.emergency", "services.fallback", "info.police.4", "report.saved", "report.saved_contact", "case.victim_ack"];
        var missing = from l in All.All
                      from k in keys
                      from n in numbers
                      where !Regex.IsMatch(l.Get(k), $@"(?<!\d){n}(?!\d)")
                      select $"{l.Language} {k}: no {n}";
        Assert.Empty(missing);
        // The pages on danger give at least the emergency numbers and the SMS one.
        var pages = from l in All.All
                    from k in new[] { "info.safety.3", "info.after.1" }
                    from n in new[] { "17", "112", "114" }
                    where !Regex.IsMatch(l.Get(k), $@"(?<!\d){n}(?!\d)")
                    select $"{l.Language} {k}: no {n}";
        Assert.Empty(pages);
    }
}
