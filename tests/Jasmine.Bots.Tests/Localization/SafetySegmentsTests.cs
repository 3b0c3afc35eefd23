using Jasmine.Bots.Conversations;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Sms;
using Jasmine.Bots.Tests.Conversations;
using Xunit.Abstractions;

// Not "…Tests.Localization": that would hide Jasmine.Bots.Localization from tests that name it by its last part.
namespace Jasmine.Bots.Tests.Languages;

/// <summary>
/// The texts that matter most when she is about to meet a client, and the ones sent on our own initiative, cost the
/// fewest SMS their script allows: one segment for the neutral first line (with its Show choice); a screening result
/// in one GSM-7 segment or two UCS-2 ones (two for "not signaled", which carries a tip); a push warning with the way
/// to wipe it, in direct mode behind the neutral line, in two GSM-7 segments or three UCS-2 ones (it names the area,
/// the identifier, the categories and what to do). Before: up to four segments in Cyrillic.
/// </summary>
public sealed class SafetySegmentsTests(ITestOutputHelper output)
{
    private static readonly Locales All = Locales.Load(Path.Combine(LocaleTests.Root(), "locales"));

    private static readonly string[] Results =
    [
        "screen.result.very_dangerous", "screen.result.very_dangerous_no_categories", "screen.result.risky", "screen.result.risky_no_categories",
        "screen.result.annoying", "screen.result.annoying_no_categories", "screen.result.pending", "screen.result.pending_no_categories",
        "screen.result.not_signaled",
    ];

    private static readonly string[] Warnings = ["warning.text", "warning.text_no_categories", "warning.text_france", "warning.text_france_no_categories"];

    [Fact]
    public void Screening_results_the_neutral_first_line_and_the_push_warning_fit_the_fewest_segments()
    {
        var failures = new List<string>();
        foreach (var locale in All.All)
        {
            var args = SampleTexts.Args(locale);
            // One category, as most results carry; the longest tip for "not signaled".
            args["categories"] = locale.Get("category.sexual-aggression");
            args["identifiers"] = SampleTexts.Phone;
            args["tip"] = Enumerable.Range(1, 5).Select(i => locale.Get($"tip.{i}")).MaxBy(t => t.Length)!;
            var counts = new List<string>();
            void Check(string name, string text, int bound)
            {
                var segments = SmsSegments.Count(SmsRendering.Prepare(text, locale.Language));
                counts.Add($"{name}={segments}");
                if (segments > bound) failures.Add($"{locale.Language} {name}: {segments} segments (at most {bound}): {text}");
            }
            Check("notice.neutral", locale.Get("notice.neutral"), 1);
            // Discreet mode, as Notifier sends it: the neutral line and its Show choice, in one segment.
            Check("discreet", SmsRendering.WithNumberedChoices(new Reply(locale.Get("notice.neutral"), [new Choice(locale.Get("notice.show"), "show:x")])), 1);
            // A Latin segment holds 160 characters, a Cyrillic, Chinese or Arabic one 70 (67 once split).
            var gsm = SmsSegments.IsGsm7(SmsRendering.Prepare(locale.Get("screen.result.risky"), locale.Language));
            foreach (var key in Results) Check(key[14..], Locales.Format(locale.Get(key), args), key.EndsWith("not_signaled", StringComparison.Ordinal) ? 2 : gsm ? 1 : 2);
            // As WarningsService sends it: the warning, then how to wipe it.
            foreach (var key in Warnings) Check(key, Locales.Format(locale.Get(key), args) + "\n" + locale.Get("wipe.hint"), gsm ? 2 : 3);
            // Direct mode, as Notifier sends it: the neutral line, the warning with its wipe hint, and the Wipe choice.
            foreach (var key in Warnings)
            {
                var warning = Locales.Format(locale.Get(key), args) + "\n" + locale.Get("wipe.hint");
                var direct = new Reply(locale.Get("notice.neutral") + "\n\n" + warning, [new Choice(locale.Get("wipe.button"), "wipe")]);
                Check("direct " + key, SmsRendering.WithNumberedChoices(direct), gsm ? 2 : 3);
            }
            output.WriteLine($"{locale.Language}: {string.Join(" ", counts)}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }
}
