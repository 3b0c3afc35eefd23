using System.Text.RegularExpressions;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Tests.Conversations;
using Jasmine.Bots.Tests.Telegram;
using Jasmine.Bots.Tests.Support;
using Xunit.Abstractions;

// Not "…Tests.Localization": that would hide Jasmine.Bots.Localization from tests that name it by its last part.
namespace Jasmine.Bots.Tests.Languages;

/// <summary>
/// In Arabic every number she reads must be the number as written: each text is laid out by the Unicode bidi
/// algorithm (UAX #9) and the digits of every number must come out in their own order.
/// </summary>
public sealed partial class RightToLeftNumbersTests(ITestOutputHelper output)
{
    private static readonly Locales All = Locales.Load(Path.Combine(LocaleTests.Root(), "locales"));

    // A number as written: digits, with spaces, dots, slashes or dashes between groups, maybe a leading '+'.
    [GeneratedRegex(@"\+?\d+(?:[ ./\-]\d+)*")]
    private static partial Regex Number();

    private static string Plain(string s) => new(s.Where(c => c is not (>= '\u2066' and <= '\u2069')).ToArray());

    /// <summary>Numbers of the logical line missing from what the screen shows, for a paragraph laid out left or right.</summary>
    private static List<string> Misordered(string line, int? paragraphLevel)
    {
        var visual = UnicodeBidi.Visual(line, paragraphLevel);
        return Number().Matches(Plain(line)).Select(m => m.Value).Where(n => !visual.Contains(n, StringComparison.Ordinal)).ToList();
    }

    [Fact]
    public void The_bidi_check_sees_a_spaced_number_reversed_when_it_is_not_isolated()
    {
        var bare = "للضحايا: 116 006. الطوارئ: +33 6 12 34 56 78";
        Assert.Equal(1, UnicodeBidi.ParagraphLevel(bare));
        var visual = UnicodeBidi.Visual(bare);
        output.WriteLine(visual);
        Assert.Contains("006 116", visual);
        Assert.Equal(["116 006", "+33 6 12 34 56 78"], Misordered(bare, null));
        // Left-to-right text needs nothing, and is left as it is.
        Assert.Equal("Victims: 116 006", UnicodeBidi.Visual("Victims: 116 006"));
        Assert.Equal("Victims: 116 006", Locales.Format("Victims: 116 006", null));
    }

    [Fact]
    public void Isolates_put_the_digits_back_in_order()
    {
        var isolated = Locales.Format("للضحايا: 116 006. رقمه {identifier}، مرجع {reference}.", new Dictionary<string, string> { ["identifier"] = SampleTexts.Phone, ["reference"] = "R-7K2Q" });
        Assert.Contains($"{BidiIsolation.Lri}116 006{BidiIsolation.Pdi}", isolated);
        Assert.Contains($"{BidiIsolation.Fsi}{BidiIsolation.Lri}{SampleTexts.Phone}{BidiIsolation.Pdi}{BidiIsolation.Pdi}", isolated);
        Assert.Empty(Misordered(isolated, null));
        Assert.Contains("R-7K2Q", UnicodeBidi.Visual(isolated));
    }

    [Fact]
    public void Every_arabic_text_with_a_number_shows_its_digits_in_order()
    {
        var ar = All["ar"];
        var checkedLines = 0;
        var failures = new List<string>();
        foreach (var (key, text) in SampleTexts.Filled(ar))
        {
            foreach (var line in text.Split('\n'))
            {
                if (!line.Any(char.IsDigit)) continue;
                checkedLines++;
                // As a phone lays it out by itself (first strong letter), and inside an app set right to left.
                foreach (var level in new int?[] { null, 1 })
                    foreach (var n in Misordered(line, level))
                        failures.Add($"{key} (paragraph {(level?.ToString() ?? "auto")}): '{n}' shows as '{UnicodeBidi.Visual(line, level)}'");
            }
        }
        output.WriteLine($"{checkedLines} Arabic lines with digits checked");
        Assert.True(checkedLines > 30, "too few Arabic texts with numbers: the check looks at nothing");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task An_arabic_screening_answer_shows_the_clients_number_in_order_on_the_try_it_page()
    {
        using var host = new JasmineFactory();
        var chat = host.Chat("ar-bidi");
        await chat.Join(host.NewInvite(), "العربية");
        await chat.Send("06 12 34 56 78");
        var line = chat.LastText.Split('\n').First(l => l.Contains("56 78", StringComparison.Ordinal));
        output.WriteLine(line);
        Assert.Contains(BidiIsolation.Pdi, line);
        Assert.Contains("6 12 34 56 78", UnicodeBidi.Visual(line));
        Assert.Empty(Misordered(line, null));
        Assert.Empty(Misordered(line, 1));
    }

    [Fact]
    public async Task An_arabic_screening_answer_reaches_telegram_with_the_number_isolated_and_in_order()
    {
        await using var t = await TelegramTestHost.StartAsync();
        const long chat = 424242777;
        await t.SayAsync(chat, "/start " + t.Host.NewInvite());
        await t.TapAsync(chat, "العربية");
        await t.SayAsync(chat, "1");
        await t.SayAsync(chat, "Lili");
        await t.SayAsync(chat, "75");
        await t.AdminAsync("classify", "+33612345678", "very-dangerous");
        var answer = TelegramTestHost.Texts(await t.SayAsync(chat, "06 12 34 56 78"));
        var line = answer.Split('\n').First(l => l.Contains("56 78", StringComparison.Ordinal));
        output.WriteLine(line);
        Assert.Contains("خطير جدا", line);
        Assert.Contains($"{BidiIsolation.Lri}+33 6 12 34 56 78{BidiIsolation.Pdi}", line);
        Assert.Empty(Misordered(line, null));
        Assert.Empty(Misordered(line, 1));
    }
}
