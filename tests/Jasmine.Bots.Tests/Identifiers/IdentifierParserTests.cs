using System.Text;
using Jasmine.Bots.Identifiers;

namespace Jasmine.Bots.Tests.Identifiers;

public sealed class IdentifierParserTests
{
    private static readonly IdentifierParser Parser = new();

    private static Identifier Phone(string e164) => new(IdentifierKind.Phone, e164);
    private static Identifier Plate(string value) => new(IdentifierKind.Plate, value);
    private static Identifier Email(string value) => new(IdentifierKind.Email, value);
    private static Identifier Handle(string value) => new(IdentifierKind.Handle, value);

    [Theory]
    [InlineData("06 12 34 56 78")]
    [InlineData("06.12.34.56.78")]
    [InlineData("06-12-34-56-78")]
    [InlineData("0612345678")]
    [InlineData("  0612345678 ")]
    [InlineData("+33 (0)6 12 34 56 78")]
    [InlineData("+33612345678")]
    [InlineData("+33 6 12 34 56 78")]
    [InlineData("0033 6 12 34 56 78")]
    [InlineData("tel:+33612345678")]
    [InlineData("tel:0612345678")]
    [InlineData("33612345678")]
    [InlineData("０６１２３４５６７８")]
    public void Every_French_spelling_of_a_mobile_gives_the_same_E164(string raw) =>
        Assert.Equal(Phone("+33612345678"), Parser.Normalize(IdentifierKind.Phone, raw));

    [Theory]
    [InlineData("0692 12 34 56", "+262692123456")] // Réunion mobile
    [InlineData("0693 12 34 56", "+262693123456")] // Réunion mobile
    [InlineData("0262 12 34 56", "+262262123456")] // Réunion landline
    [InlineData("0639 01 23 45", "+262639012345")] // Mayotte mobile, same country code as Réunion
    [InlineData("0690 22 12 34", "+590690221234")] // Guadeloupe mobile
    [InlineData("0590 27 12 34", "+590590271234")] // Saint-Barthélemy landline, shares +590
    [InlineData("0694 20 12 34", "+594694201234")] // Guyane mobile
    [InlineData("0696 12 34 56", "+596696123456")] // Martinique mobile
    [InlineData("+262 692 12 34 56", "+262692123456")]
    [InlineData("+687 75 12 34", "+687751234")] // Nouvelle-Calédonie, with its country code
    [InlineData("+689 87 12 34 56", "+68987123456")] // Polynésie française, with its country code
    public void Overseas_French_numbers_get_their_own_country_code(string raw, string e164) =>
        Assert.Equal(Phone(e164), Parser.Normalize(IdentifierKind.Phone, raw));

    [Theory]
    [InlineData("+33 692 12 34 56")] // a country code typed on purpose is not second-guessed
    [InlineData("75 12 34")] // valid in NC, PM and WF alike: guessing would pick the wrong person
    public void Ambiguous_overseas_spellings_are_rejected_rather_than_guessed(string raw) =>
        Assert.Null(Parser.Normalize(IdentifierKind.Phone, raw));

    [Theory]
    [InlineData("+44 7911 123456", "+447911123456")]
    [InlineData("0044 7911 123456", "+447911123456")]
    [InlineData("0049 151 23456789", "+4915123456789")]
    [InlineData("+49 151 23456789", "+4915123456789")]
    [InlineData("+1 212 555 0123", "+12125550123")]
    [InlineData("+7 912 345-67-89", "+79123456789")]
    [InlineData("+32 470 12 34 56", "+32470123456")]
    public void Foreign_numbers_with_a_plus_or_00_keep_their_country(string raw, string e164) =>
        Assert.Equal(Phone(e164), Parser.Normalize(IdentifierKind.Phone, raw));

    [Theory]
    [InlineData("33612345678", "+33612345678")]
    [InlineData("447911123456", "+447911123456")]
    [InlineData("4915123456789", "+4915123456789")]
    [InlineData("262692123456", "+262692123456")]
    public void A_number_that_lost_its_plus_is_read_as_international(string raw, string e164) =>
        Assert.Equal(Phone(e164), Parser.Normalize(IdentifierKind.Phone, raw));

    [Theory]
    [InlineData("33612345678", "+33612345678")]
    [InlineData("+33612345678", "+33612345678")]
    [InlineData("447911123456", "+447911123456")]
    [InlineData("12125550123", "+12125550123")]
    [InlineData("262692123456", "+262692123456")]
    [InlineData("0612345678", "+33612345678")]
    public void A_Telegram_shared_contact_becomes_an_E164_phone(string contact, string e164) =>
        Assert.Equal(Phone(e164), Parser.FromSharedContact(contact));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not a number")]
    [InlineData("15")]
    [InlineData("17")]
    [InlineData("112")]
    [InlineData("3615")]
    [InlineData("118 218")]
    [InlineData("06 12 34 56 7")]
    [InlineData("06 12 34 56 78 9")]
    [InlineData("1-800-FLOWERS")]
    [InlineData("+44 7700 900123")] // Ofcom's range reserved for fiction: libphonenumber says invalid
    public void Short_codes_and_invalid_numbers_are_not_phones(string raw) =>
        Assert.Null(Parser.Normalize(IdentifierKind.Phone, raw));

    // Issue 17: libphonenumber's metadata lags new ranges; a possible national number is screened as typed, in E.164.
    [Theory]
    [InlineData("0639 12 34 56", "+33639123456")]
    [InlineData("07 12 34 56 78", "+33712345678")]
    public void A_possible_but_not_yet_valid_national_number_is_kept_as_typed(string raw, string e164) =>
        Assert.Equal(Phone(e164), Parser.Normalize(IdentifierKind.Phone, raw));

    [Theory]
    [InlineData("00 12 34 56 78")]
    [InlineData("commande 0012345678")]
    public void Ten_digits_with_a_double_zero_are_not_read_as_a_possible_number(string raw) =>
        Assert.DoesNotContain(Parser.Extract(raw), id => id.Kind == IdentifierKind.Phone);

    [Theory]
    [InlineData("client@mail.fr", "client@mail.fr")]
    [InlineData("  Client.Name+tag@Mail.FR ", "client.name+tag@mail.fr")]
    [InlineData("mailto:Jean@Example.com", "jean@example.com")]
    [InlineData("MAILTO:jean@example.com?subject=hi", "jean@example.com")]
    [InlineData("élise@exemple.fr", "élise@exemple.fr")]
    public void Emails_are_trimmed_and_lower_cased(string raw, string expected) =>
        Assert.Equal(Email(expected), Parser.Normalize(IdentifierKind.Email, raw));

    [Theory]
    [InlineData("client")]
    [InlineData("client@")]
    [InlineData("@mail.fr")]
    [InlineData("client@mail")]
    [InlineData("client@mail.f")]
    [InlineData("cli ent@mail.fr")]
    [InlineData("a@b@mail.fr")]
    [InlineData("client@mail..fr")]
    public void Malformed_emails_are_rejected(string raw) =>
        Assert.Null(Parser.Normalize(IdentifierKind.Email, raw));

    [Theory]
    [InlineData("AB-123-CD", "AB123CD")]
    [InlineData("ab-123-cd", "AB123CD")]
    [InlineData("AB 123 CD", "AB123CD")]
    [InlineData("ab123cd", "AB123CD")]
    [InlineData("AB.123.CD", "AB123CD")]
    [InlineData("1234 AB 75", "1234AB75")]
    [InlineData("1234-ab-75", "1234AB75")]
    [InlineData("1 A 13", "1A13")]
    [InlineData("123 ABC 2A", "123ABC2A")]
    [InlineData("456 XY 974", "456XY974")]
    [InlineData("B-MW 1234", "BMW1234")] // German
    [InlineData("1-ABC-123", "1ABC123")] // Belgian
    public void Plates_are_upper_cased_without_separators(string raw, string expected) =>
        Assert.Equal(Plate(expected), Parser.Normalize(IdentifierKind.Plate, raw));

    [Theory]
    [InlineData("ABC")]
    [InlineData("1234")]
    [InlineData("ABCDEF")]
    [InlineData("AB1")]
    [InlineData("ABCDEFGH12345")]
    [InlineData("AB-12€-CD")]
    public void Things_that_cannot_be_plates_are_rejected(string raw) =>
        Assert.Null(Parser.Normalize(IdentifierKind.Plate, raw));

    [Theory]
    [InlineData("Jean-Marc DUPONT")]
    [InlineData("dupont jean marc")]
    [InlineData("Dupont Jean Marc")]
    [InlineData("  DUPONT,  Jean-Marc ")]
    [InlineData("Jean Marc Dupônt")]
    [InlineData("JEAN.MARC.DUPONT")]
    public void Names_compare_whatever_the_order_case_accents_or_punctuation(string raw) =>
        Assert.Equal(new Identifier(IdentifierKind.Name, "dupont jean marc"), Parser.Normalize(IdentifierKind.Name, raw));

    [Theory]
    [InlineData("Hélène Müller", "helene muller")]
    [InlineData("François Ñúñez", "francois nunez")]
    [InlineData("Strauß", "strauss")]
    [InlineData("Œdipe Lætitia", "laetitia oedipe")]
    [InlineData("Łukasz Đoković", "dokovic lukasz")]
    [InlineData("Søren", "soren")]
    [InlineData("Nguyễn Văn", "nguyen van")]
    [InlineData("Пётр Иванов", "иванов петр")]
    [InlineData("Андрей Йоффе", "андрей йоффе")] // й is a letter of its own, not и with an accent
    [InlineData("مُحَمَّد علي", "علي محمد")] // harakat are optional vowel marks
    [InlineData("王伟", "王伟")]
    [InlineData("김민준", "김민준")]
    public void Names_are_folded_but_other_scripts_are_kept(string raw, string expected) =>
        Assert.Equal(new Identifier(IdentifierKind.Name, expected), Parser.Normalize(IdentifierKind.Name, raw));

    [Theory]
    [InlineData("")]
    [InlineData("J")]
    [InlineData("-- . --")]
    [InlineData("😀😀😀")]
    public void Names_with_fewer_than_two_letters_are_rejected(string raw) =>
        Assert.Null(Parser.Normalize(IdentifierKind.Name, raw));

    [Theory]
    [InlineData("@Pseudo", "@pseudo")]
    [InlineData(" @Le_Client.75 ", "@le_client.75")]
    [InlineData("https://www.Instagram.com/Foo/?hl=fr", "instagram.com/foo")]
    [InlineData("http://instagram.com/foo", "instagram.com/foo")]
    [InlineData("instagram.com/foo/", "instagram.com/foo")]
    [InlineData("www.onlyfans.com/Foo#top", "onlyfans.com/foo")]
    [InlineData("https://t.me/SomeGuy", "t.me/someguy")]
    [InlineData("https://www.facebook.com/profile.php?id=1234", "facebook.com/profile.php")]
    [InlineData("Pseudo75", "pseudo75")]
    public void Handles_are_lower_cased_and_urls_lose_scheme_www_query_and_trailing_slash(string raw, string expected) =>
        Assert.Equal(Handle(expected), Parser.Normalize(IdentifierKind.Handle, raw));

    [Theory]
    [InlineData("@")]
    [InlineData("two words")]
    [InlineData("https://")]
    [InlineData("https://nohost")]
    public void Things_that_cannot_be_handles_are_rejected(string raw) =>
        Assert.Null(Parser.Normalize(IdentifierKind.Handle, raw));

    public static TheoryData<string, Identifier[]> Sentences => new()
    {
        { "is 06 12 34 56 78 safe?", [Phone("+33612345678")] },
        { "est-ce que le 06.12.34.56.78 est connu ?", [Phone("+33612345678")] },
        { "est-ce que +44 7911 123456 est connu ?", [Phone("+447911123456")] },
        { "his number is 06 12 34 56 78 and the car AB-123-CD", [Phone("+33612345678"), Plate("AB123CD")] },
        { "0612345678, 0698765432", [Phone("+33612345678"), Phone("+33698765432")] },
        { "client@mail.fr", [Email("client@mail.fr")] },
        { "il m'a écrit depuis Client@Mail.fr puis du 06 12 34 56 78", [Email("client@mail.fr"), Phone("+33612345678")] },
        { "jean0612345678@mail.fr", [Email("jean0612345678@mail.fr")] },
        { "這個號碼 0612345678 安全吗", [Phone("+33612345678")] },
        { "这个号码0612345678安全吗", [Phone("+33612345678")] },
        { "Этот номер +7 912 345-67-89 безопасен?", [Phone("+79123456789")] },
        { "Этот клиент 06 12 34 56 78 опасен", [Phone("+33612345678")] },
        { "هل الرقم 0612345678 آمن؟", [Phone("+33612345678")] },
        { "à La Réunion: 0692 12 34 56", [Phone("+262692123456")] },
        { "vieille voiture 1234 AB 75, nouvelle ab-123-cd", [Plate("1234AB75"), Plate("AB123CD")] },
        { "son insta https://www.Instagram.com/Foo/?hl=fr.", [Handle("instagram.com/foo")] },
        { "il se fait appeler @LeLoup sur telegram", [Handle("@leloup")] },
        { "profil instagram.com/foo et 06 12 34 56 78", [Handle("instagram.com/foo"), Phone("+33612345678")] },
        { "06 12 34 56 78 encore 0612345678 et +33612345678", [Phone("+33612345678")] },
        { "hello", [] },
        { "Jean Dupont, rue 75 à 3 km, le 12/03/2024", [] },
        { "", [] },
    };

    [Theory]
    [MemberData(nameof(Sentences))]
    public void Extract_finds_identifiers_in_a_sentence_in_order_of_appearance(string text, Identifier[] expected) =>
        Assert.Equal(expected, Parser.Extract(text));

    [Fact]
    public void Extract_never_returns_names_because_any_two_words_could_be_one() =>
        Assert.DoesNotContain(Parser.Extract("c'est Jean-Marc Dupont, 06 12 34 56 78"), id => id.Kind == IdentifierKind.Name);

    [Fact]
    public void Extract_only_scans_the_start_of_a_very_long_message()
    {
        var text = "06 12 34 56 78 " + new string('x', IdentifierParser.MaxScannedChars) + " 07 98 76 54 32";
        Assert.Equal([Phone("+33612345678")], Parser.Extract(text));
    }

    [Theory]
    [InlineData(IdentifierKind.Phone, "+33612345678", "+33 6 12 34 56 78")]
    [InlineData(IdentifierKind.Phone, "+262692123456", "+262 692 12 34 56")]
    [InlineData(IdentifierKind.Plate, "AB123CD", "AB-123-CD")]
    [InlineData(IdentifierKind.Plate, "1234AB75", "1234 AB 75")]
    [InlineData(IdentifierKind.Plate, "123ABC2A", "123 ABC 2A")]
    [InlineData(IdentifierKind.Plate, "BMW1234", "BMW1234")]
    [InlineData(IdentifierKind.Email, "client@mail.fr", "client@mail.fr")]
    [InlineData(IdentifierKind.Name, "dupont jean", "dupont jean")]
    [InlineData(IdentifierKind.Handle, "instagram.com/foo", "instagram.com/foo")]
    public void Display_echoes_an_identifier_the_way_people_write_it(IdentifierKind kind, string value, string shown) =>
        Assert.Equal(shown, Parser.Display(new Identifier(kind, value)));

    [Fact]
    public void Displayed_values_normalise_back_to_the_same_identifier()
    {
        foreach (var id in new[] { Phone("+33612345678"), Phone("+447911123456"), Plate("AB123CD"), Plate("1234AB75") })
            Assert.Equal(id, Parser.Normalize(id.Kind, Parser.Display(id)));
    }

    [Fact]
    public void Another_default_region_reads_national_numbers_as_its_own()
    {
        var belgian = new IdentifierParser("BE");
        Assert.Equal(Phone("+32470123456"), belgian.Normalize(IdentifierKind.Phone, "0470 12 34 56"));
        Assert.Equal([Phone("+32470123456")], belgian.Extract("is 0470 12 34 56 safe?"));
    }

    [Fact]
    public void Random_input_never_makes_the_parser_throw()
    {
        var random = new Random(20240601);
        const string alphabet = "0123456789 +-.()@/:_#?ABCDEFXYZabcxyzéèàçœßÀ\t\n\r\0\u0001\u001b\u200b\u202e\ufeffЖжعربي中文한국😀👩‍👩‍👧\ud800\udc00";
        for (var i = 0; i < 3_000; i++)
        {
            var text = RandomString(random, alphabet, random.Next(0, 80));
            _ = Parser.Extract(text);
            _ = Parser.FromSharedContact(text);
            foreach (var kind in Enum.GetValues<IdentifierKind>())
                if (Parser.Normalize(kind, text) is { } id)
                    _ = Parser.Display(id);
        }

        var huge = RandomString(random, alphabet, 200_000);
        _ = Parser.Extract(huge);
        foreach (var kind in Enum.GetValues<IdentifierKind>())
            _ = Parser.Normalize(kind, huge);
        _ = Parser.Extract(new string('0', 200_000));
        _ = Parser.Extract(string.Concat(Enumerable.Repeat("06 12 34 56 78 ", 15_000)));
    }

    [Fact]
    public void Lone_surrogates_and_control_characters_are_tolerated()
    {
        Assert.Equal([Phone("+33612345678")], Parser.Extract("\ud83d 06 12 34 56 78 \udc00\0"));
        Assert.Empty(Parser.Extract("\ud83d\ud83d\ud83d"));
        Assert.Null(Parser.Normalize(IdentifierKind.Name, "\udc00\ud800"));
    }

    [Fact]
    public void Extracting_from_a_short_sentence_does_not_reload_phone_metadata()
    {
        // Loading libphonenumber's metadata for France alone allocates about 220 kB, one Extract about 7 kB: a parser
        // that built a PhoneNumberUtil or reloaded metadata per call would cross the bound. Allocation, unlike time,
        // does not depend on how busy the machine is.
        const string sentence = "is 06 12 34 56 78 safe? car AB-123-CD, mail client@mail.fr";
        _ = Parser.Extract(sentence);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
            _ = Parser.Extract(sentence);
        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        Assert.True(perCall < 64 * 1024, $"Extract allocated {perCall} bytes for one short sentence.");
    }

    [Fact]
    public void One_parser_can_serve_many_threads_at_once()
    {
        // It is registered as a singleton: concurrent updates share it.
        string[] inputs = ["0692 12 34 56", "+44 7911 123456", "0690 22 12 34", "06 12 34 56 78", "0696 12 34 56", "0049 151 23456789"];
        var expected = inputs.Select(i => Parser.Normalize(IdentifierKind.Phone, i)).ToArray();
        Parallel.For(0, 2_000, i =>
        {
            var index = i % inputs.Length;
            Assert.Equal(expected[index], Parser.Normalize(IdentifierKind.Phone, inputs[index]));
            Assert.Equal(expected[index] is { } id ? [id] : Array.Empty<Identifier>(), Parser.Extract($"est-ce que {inputs[index]} est connu ?"));
        });
    }

    private static string RandomString(Random random, string alphabet, int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
            builder.Append(alphabet[random.Next(alphabet.Length)]);
        return builder.ToString();
    }
}
