using System.Text;
using Jasmine.Bots.Sms;

namespace Jasmine.Bots.Tests.Sms;

public sealed class SmsSegmentsTests
{
    [Fact]
    public void Pure_ascii_fits_one_segment_up_to_160_characters() =>
        Assert.Equal(1, SmsSegments.Count(new string('a', 160)));

    [Fact]
    public void The_161st_ascii_character_makes_two_segments_of_153() =>
        Assert.Equal(2, SmsSegments.Count(new string('a', 161)));

    [Theory]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    [InlineData(459, 3)]
    [InlineData(460, 4)]
    public void Long_gsm7_texts_are_counted_in_parts_of_153(int length, int expected) =>
        Assert.Equal(expected, SmsSegments.Count(new string('x', length)));

    [Fact]
    public void The_empty_text_costs_nothing() => Assert.Equal(0, SmsSegments.Count(""));

    [Fact]
    public void Extension_characters_count_twice() =>
        Assert.Equal(2, SmsSegments.Count(new string('€', 81)));

    [Fact]
    public void Eighty_euro_signs_still_fit_one_segment() =>
        Assert.Equal(1, SmsSegments.Count(new string('€', 80)));

    [Fact]
    public void An_extension_character_is_never_split_across_parts()
    {
        // 152 plain septets then '{': the escape pair cannot straddle the boundary, so it moves to part two,
        // which then holds 2 + 151 = 153, and one more character needs a third part.
        var text = new string('a', 152) + "{" + new string('b', 151);
        Assert.Equal(2, SmsSegments.Count(text));
        Assert.Equal(3, SmsSegments.Count(text + "c"));
    }

    [Theory]
    [InlineData("Prends soin de toi, à bientôt")]
    public void French_with_circumflex_is_not_gsm7(string text) => Assert.False(SmsSegments.IsGsm7(text));

    [Theory]
    [InlineData("Réponds quand tu veux, je suis là. Très bien, à demain !")]
    [InlineData("é è à ù ì ò É Ç")]
    [InlineData("{[~]}|^\\€")]
    public void French_with_e_acute_e_grave_and_a_grave_is_gsm7(string text) => Assert.True(SmsSegments.IsGsm7(text));

    [Theory]
    [InlineData("ç")]
    [InlineData("â")]
    [InlineData("ê")]
    [InlineData("î")]
    [InlineData("ô")]
    [InlineData("û")]
    [InlineData("ë")]
    [InlineData("œ")]
    [InlineData("’")]
    [InlineData("«")]
    [InlineData("»")]
    public void These_french_characters_are_not_gsm7(string c) => Assert.False(SmsSegments.IsGsm7("Salut " + c));

    [Fact]
    public void One_non_gsm_character_makes_the_whole_text_ucs2()
    {
        Assert.Equal(1, SmsSegments.Count("ç" + new string('a', 69)));
        Assert.Equal(2, SmsSegments.Count("ç" + new string('a', 70)));
    }

    [Theory]
    [InlineData("Привет", 70, 1)]
    [InlineData("Привет", 71, 2)]
    [InlineData("你好", 67 * 2, 2)]
    [InlineData("你好", 67 * 2 + 1, 3)]
    [InlineData("مرحبا", 70, 1)]
    public void Cyrillic_chinese_and_arabic_count_as_ucs2(string alphabet, int length, int expected)
    {
        var text = string.Concat(Enumerable.Repeat(alphabet, length / alphabet.Length + 1))[..length];
        Assert.False(SmsSegments.IsGsm7(text));
        Assert.Equal(expected, SmsSegments.Count(text));
    }

    [Fact]
    public void An_emoji_counts_two_utf16_units()
    {
        Assert.Equal(1, SmsSegments.Count(string.Concat(Enumerable.Repeat("😀", 35))));
        Assert.Equal(2, SmsSegments.Count(string.Concat(Enumerable.Repeat("😀", 35)) + "a"));
    }

    [Fact]
    public void A_surrogate_pair_is_never_split_across_parts()
    {
        // 66 units then an emoji: the pair cannot straddle 67, so part two starts with it.
        var text = new string('a', 66) + "😀" + new string('b', 65);
        Assert.Equal(2, SmsSegments.Count(text));
        Assert.Equal(3, SmsSegments.Count(text + "c"));
    }

    [Fact]
    public void Typographic_punctuation_becomes_its_plain_gsm_equivalent()
    {
        var friendly = SmsSegments.ToGsm7Friendly("L’appel « urgent » – “vite”…\u00A0ok\u202F!");
        Assert.Equal("L'appel \" urgent \" - \"vite\"... ok !", friendly);
        Assert.True(SmsSegments.IsGsm7(friendly));
    }

    [Fact]
    public void Making_a_text_gsm_friendly_never_touches_letters() =>
        Assert.Equal("ça, tête, âme, Ελλάδα, привет", SmsSegments.ToGsm7Friendly("ça, tête, âme, Ελλάδα, привет"));

    [Fact]
    public void A_text_that_fits_is_not_split()
    {
        var text = "  Salut !\n\nÇa va ?  ";
        Assert.Equal([text], SmsSegments.Split(text));
    }

    [Fact]
    public void Splitting_prefers_a_paragraph_break()
    {
        var first = Words("un", 60);      // 179 chars
        var second = Words("deux", 40);   // 199 chars: with the first, 380 of the 459 that fit three segments
        var third = Words("trois", 60);   // 359 chars
        var parts = SmsSegments.Split($"{first}\n\n{second}\n\n{third}", 3);
        Assert.Equal([$"{first}\n\n{second}", third], parts);
    }

    [Fact]
    public void Splitting_falls_back_to_a_line_break_then_a_word()
    {
        var line1 = Words("alpha", 25);   // 149 chars: one segment
        var line2 = Words("beta", 40);    // 199 chars: must be cut between words
        var parts = SmsSegments.Split(line1 + "\n" + line2, 1);
        Assert.Equal(line1, parts[0]);
        Assert.Equal(2 + 1, parts.Count);
        Assert.All(parts, p => Assert.Equal(1, SmsSegments.Count(p)));
        Assert.Equal(line2, parts[1] + " " + parts[2]);
    }

    [Fact]
    public void A_text_without_spaces_is_cut_hard_without_losing_anything()
    {
        var text = new string('z', 1000);
        var parts = SmsSegments.Split(text, 3);
        Assert.Equal([459, 459, 82], parts.Select(p => p.Length));
        Assert.Equal(text, string.Concat(parts));
    }

    [Fact]
    public void A_hard_cut_never_separates_a_surrogate_pair()
    {
        var text = string.Concat(Enumerable.Repeat("a😀", 200));
        var parts = SmsSegments.Split(text, 1);
        Assert.Equal(text, string.Concat(parts));
        Assert.All(parts, p =>
        {
            Assert.False(char.IsLowSurrogate(p[0]));
            Assert.False(char.IsHighSurrogate(p[^1]));
            Assert.True(SmsSegments.Count(p) <= 1);
        });
    }

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 200)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Split_never_exceeds_the_budget_and_keeps_content_and_order(int seed)
    {
        var random = new Random(seed);
        string[] vocabulary =
            ["je", "suis", "là", "pour", "toi", "appelle", "Ça", "tête", "€", "{x}", "😀", "привет", "médecin",
             "anonymement", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"];
        string[] separators = [" ", " ", " ", " ", "\n", "\n\n", "  ", " \n "];
        var sb = new StringBuilder();
        var words = random.Next(1, 400);
        for (var i = 0; i < words; i++)
            sb.Append(vocabulary[random.Next(vocabulary.Length)]).Append(separators[random.Next(separators.Length)]);
        var text = sb.ToString();
        var max = random.Next(1, 5);

        var parts = SmsSegments.Split(text, max);

        Assert.All(parts, p => Assert.InRange(SmsSegments.Count(p), 1, max));
        // Every part is found in order, and only whitespace lies between consecutive parts.
        var position = 0;
        foreach (var part in parts)
        {
            var found = text.IndexOf(part, position, StringComparison.Ordinal);
            Assert.True(found >= 0, "part not found in order");
            Assert.True(string.IsNullOrWhiteSpace(text[position..found]), "characters lost between parts");
            position = found + part.Length;
        }
        Assert.True(string.IsNullOrWhiteSpace(text[position..]), "characters lost at the end");
    }

    private static string Words(string word, int count) => string.Join(' ', Enumerable.Repeat(word, count));
}
