using Jasmine.Bots.Conversations;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Sms;
using Xunit.Abstractions;

namespace Jasmine.Bots.Tests.Conversations;

/// <summary>
/// Every question of every flow, with its numbered choices, as it would go out by SMS in each language:
/// reports the segment count and fails above three.
/// </summary>
public sealed class SmsSegmentBudgetTests(ITestOutputHelper output)
{
    private static readonly string Root = LocaleTests.Root();

    [Fact]
    public void Every_step_in_every_language_fits_in_three_sms_segments()
    {
        var locales = Locales.Load(Path.Combine(Root, "locales"));
        var flows = FlowSet.Load(Path.Combine(Root, "conversations"));
        var failures = new List<string>();
        var worst = new Dictionary<string, (int Segments, string Step)>();
        foreach (var locale in locales.All)
        {
            foreach (var flow in flows.Flows.Values)
            {
                foreach (var (id, step) in flow.Steps)
                {
                    var texts = new List<(string Where, Reply Reply)>();
                    if (step.Say is { } say) texts.Add(($"{flow.Id}.{id} say", new Reply(locale.Get(say))));
                    if (step.Ask is { } ask)
                    {
                        // As shown without a kept draft (with one, "continue where I was" takes the place of "invite", and is shorter).
                        var choices = (step.Choices ?? []).Where(c => c.When != "draft").Select(c => new Choice(locale.Get(c.Label), c.Value)).ToList();
                        if (step.ChoicesFrom == "languages") choices.InsertRange(0, locales.All.Select(l => new Choice(l.NativeName, l.Language)));
                        texts.Add(($"{flow.Id}.{id} ask", new Reply(locale.Get(ask), choices)));
                    }
                    foreach (var (where, reply) in texts)
                    {
                        var sms = SmsRendering.Render(reply, locale.Language);
                        var segments = SmsSegments.Count(sms);
                        output.WriteLine($"{locale.Language} {where}: {segments} segment(s), {(SmsSegments.IsGsm7(sms) ? "GSM-7" : "UCS-2")}");
                        if (!worst.TryGetValue(locale.Language, out var w) || segments > w.Segments) worst[locale.Language] = (segments, where);
                        if (segments > 3) failures.Add($"{locale.Language} {where}: {segments} segments ({sms.Length} chars)");
                    }
                }
            }
            // Texts sent alone (results, errors, confirmations) must fit too.
            foreach (var (key, text) in locale.Texts.Where(t => !t.Key.StartsWith("keywords.", StringComparison.Ordinal)))
            {
                var segments = SmsSegments.Count(SmsRendering.Prepare(text, locale.Language));
                if (segments > 3) failures.Add($"{locale.Language} {key}: {segments} segments");
            }
        }
        foreach (var (language, (segments, step)) in worst.OrderBy(w => w.Key, StringComparer.Ordinal))
            output.WriteLine($"worst in {language}: {segments} segment(s) at {step}");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void French_text_is_sent_in_gsm7_once_accents_outside_the_alphabet_are_folded()
    {
        var sms = SmsRendering.Render(new Reply("Ça va ? Il était là, très agressif, c’est noté « reçu » à 22 h, peux-tu être sûre ?", [new Choice("Où ?", "x")]), "fr");
        Assert.True(SmsSegments.IsGsm7(sms), sms);
        Assert.Equal("Ça va ? Il était là, très agressif, c'est noté \" recu \" à 22 h, peux-tu etre sure ?\n1. Où ?", sms);
    }

    [Fact]
    public void Cyrillic_text_is_left_as_written()
    {
        var sms = SmsRendering.Render(new Reply("Это опасный номер"), "ru");
        Assert.Equal("Это опасный номер", sms);
        Assert.False(SmsSegments.IsGsm7(sms));
    }
}
