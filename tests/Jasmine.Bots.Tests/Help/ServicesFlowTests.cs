using System.Globalization;
using System.Text.RegularExpressions;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Help;
using Jasmine.Bots.Places;
using Jasmine.Bots.Sms;
using Jasmine.Bots.Tests.Support;
using Xunit.Abstractions;

namespace Jasmine.Bots.Tests.Help;

public sealed partial class ServicesFlowTests(ITestOutputHelper output) : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    private async Task<Chat> Member(string name, string language = "Français")
    {
        var chat = _host.Chat(name);
        await chat.Join(_host.NewInvite(), language);
        return chat;
    }

    [Fact]
    public async Task A_french_member_types_a_postcode_and_gets_the_nearest_emergency_units_with_distance_and_map()
    {
        var chat = await Member("fr-postcode");
        await chat.Send("menu");
        await chat.Tap("Aide, droits");
        await chat.Tap("Trouver de l'aide");
        chat.Expect("Quel type d'aide");
        await chat.Tap("Urgences");
        chat.Expect("code postal");
        await chat.Send("13001");
        output.WriteLine(chat.LastText);
        chat.Expect("les plus proches de Marseille 1er");
        chat.Expect("1. Urgences Hôpital de la Timone");
        chat.Expect("24h/24");
        chat.Expect("https://www.openstreetmap.org/?mlat=43.2898&mlon=5.402#map=17/43.2898/5.402");
        chat.Expect("Urgence : 17 ou 112");
        chat.Expect("3919");
        Assert.Matches(@"Timone \(AP-HM\) - \d+,\d km", chat.LastText);
    }

    [Fact]
    public async Task An_english_member_types_a_town_name_and_gets_the_community_organisation_there()
    {
        var chat = await Member("en-town", "English");
        await chat.Send("find help");
        chat.Expect("What kind of help");
        await chat.Tap("Sex worker organisation");
        await chat.Send("marseille");
        output.WriteLine(chat.LastText);
        chat.Expect("Sex worker organisation: nearest to Marseille");
        chat.Expect("1. Autres Regards");
        chat.Expect("3 rue de Bone, 13005 Marseille");
        chat.Expect("hours unknown, call first");
        Assert.Matches(@"Autres Regards - \d+\.\d km", chat.LastText);
    }

    [Fact]
    public async Task An_ambiguous_town_name_gets_a_short_numbered_choice()
    {
        var chat = await Member("ambiguous", "English");
        await chat.Send("/services");
        await chat.Tap("Emergency");
        await chat.Send("St Denis");
        chat.Expect("Several towns have that name");
        var choices = chat.Last.SelectMany(r => r.Choices).Select(c => c.Label).ToList();
        Assert.InRange(choices.Count, 2, 5);
        Assert.Contains(choices, c => c.StartsWith("Saint-Denis (93", StringComparison.Ordinal));
        Assert.Contains(choices, c => c.StartsWith("Saint-Denis (974", StringComparison.Ordinal));
        await chat.Tap("(93");
        output.WriteLine(chat.LastText);
        chat.Expect("nearest to Saint-Denis");
        chat.Expect("1. Urgences Hôpital Lariboisière");

        // Narrowed by its département, the same name needs no question.
        await chat.Send("/services");
        await chat.Tap("Emergency");
        await chat.Send("Saint-Denis 93");
        chat.Expect("nearest to Saint-Denis");
        chat.Expect("Lariboisière");
    }

    [Fact]
    public async Task A_shared_location_finds_the_nearest_services_and_nothing_of_the_place_is_kept()
    {
        var chat = await Member("location", "English");
        await chat.Send("/services");
        await chat.Tap("Emergency");
        await chat.ShareLocation(45.7578, 4.8320); // Lyon, Bellecour
        output.WriteLine(chat.LastText);
        chat.Expect("1. Urgences Hôpital Édouard Herriot (HCL)");
        chat.Expect("Lyon 2e");

        var state = _host.Get<ConversationStore>().Load("try:location");
        Assert.True(state is null || (state.Flow is null && state.Vars.Count == 0));
    }

    [Fact]
    public async Task Services_are_listed_by_great_circle_distance_with_one_decimal()
    {
        var chat = await Member("ordering", "English");
        var (lat, lon) = (48.8600, 2.3470); // Châtelet
        await chat.Send("/services");
        await chat.Tap("Sex worker organisation");
        await chat.ShareLocation(lat, lon);
        output.WriteLine(chat.LastText);

        var listed = ListedDistance().Matches(chat.LastText).Select(m => (Name: m.Groups[1].Value, Km: double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        // None of the Paris organisations has known hours, so "open now or soon" does not reorder them: pure distance.
        // The shared point is kept to 3 decimals (about 100 m); expected order and distances are computed from there.
        var expected = _host.Get<SupportServiceStore>().List()
            .Where(s => s.Kind == ServiceKind.Community && !s.Hidden && !SupportServiceStore.IsNationalLine(s))
            .Select(s => (s.Name, Km: Haversine(Math.Round(lat, 3), Math.Round(lon, 3), s.Latitude, s.Longitude)))
            .OrderBy(s => s.Km)
            .Take(3)
            .Select(s => (s.Name, Math.Round(s.Km, 1)))
            .ToList();
        Assert.Equal(expected, listed);
        Assert.True(listed.Zip(listed.Skip(1)).All(p => p.First.Km <= p.Second.Km), "listed nearest first");
    }

    [Fact]
    public async Task With_nothing_of_that_kind_within_reach_she_is_told_kindly_and_given_the_national_line()
    {
        var chat = await Member("far", "English");
        await chat.Send("/services");
        await chat.Tap("Legal aid");
        await chat.Send("29200"); // Brest
        output.WriteLine(chat.LastText);
        chat.Expect("Sorry, I found nothing for \"Legal aid, victims\" within 60 km of Brest");
        chat.Expect("National line: France Victimes 116 006");
        // Never a dead end: another kind of help, or the menu.
        chat.Expect("What would you like now?");
        await chat.Tap("Another kind of help");
        chat.Expect("What kind of help");

        await chat.Send("/services");
        await chat.Tap("Police");
        await chat.Send("brest");
        chat.Expect("Sorry, I found nothing");
        chat.Expect("Emergency: 17 or 112. If you can't speak: text 114.");
    }

    [Fact]
    public async Task A_new_service_is_answered_as_soon_as_staff_add_it_and_a_hidden_one_is_not()
    {
        var store = _host.Get<SupportServiceStore>();
        store.Add(new SupportService("test-marseille-shelter", ServiceKind.Shelter, "Abri du Vieux-Port", "1 quai du Port", "13002", "Marseille",
            43.2965, 5.3698, "04 00 00 00 00", "Mo-Su 18:00-09:00", ["fr"], true, false));
        var chat = await Member("staff-added", "English");
        await chat.Send("/services");
        await chat.Tap("shelter");
        await chat.Send("13002");
        chat.Expect("1. Abri du Vieux-Port");
        chat.Expect("Tel 04 00 00 00 00");
        chat.Expect("National line: 115 SAMU social");

        Assert.True(store.Hide("test-marseille-shelter"));
        await chat.Send("/services");
        await chat.Tap("shelter");
        await chat.Send("13002");
        Assert.DoesNotContain("Abri du Vieux-Port", chat.LastText);
        chat.Expect("Sorry, I found nothing");
        Assert.True(store.Get("test-marseille-shelter")!.Hidden);
    }

    [Fact]
    public void The_store_is_seeded_from_the_sample_and_keeps_national_lines_out_of_nearest()
    {
        var store = _host.Get<SupportServiceStore>();
        Assert.Equal(25, store.List().Count);
        var now = new DateTime(2026, 3, 10, 23, 0, 0);
        // At the Paris pin of the national lines, nearest must still be real places.
        var nearest = store.Directory.Nearest(48.8566, 2.3522, ServiceKind.Emergency, now);
        Assert.DoesNotContain(nearest, n => SupportServiceStore.IsNationalLine(n.Service));
        Assert.Contains(store.NationalLines(ServiceKind.Emergency), s => s.Phone == "3919");
        Assert.Throws<InvalidOperationException>(() => store.Add(store.Get("paris-le-190")!));
        Assert.Throws<FormatException>(() => store.Update(store.Get("paris-le-190")! with { OpeningHours = "weekdays" }));
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("en")]
    [InlineData("ru")]
    [InlineData("ar")]
    public async Task On_sms_every_answer_fits_in_three_segments_and_carries_no_map_link(string language)
    {
        var turns = new Turns(_host, "tel:+33612340000");
        await turns.Join(language);
        var places = new[] { "75010", "13001", "69003", "31000", "44000", "59000", "33000", "67200", "brest" };
        var kinds = ServicesFeature.Kinds.Keys.ToList();
        foreach (var kind in kinds)
        {
            foreach (var place in places)
            {
                await turns.Say("/services");
                await turns.Say((kinds.IndexOf(kind) + 1).ToString(CultureInfo.InvariantCulture)); // by number, as on a basic phone
                var replies = await turns.Say(place);
                // Answered: the flow is over, or (nothing near) offers another kind or the menu, with the place forgotten.
                var state = _host.Get<ConversationStore>().Load("tel:+33612340000");
                Assert.True(state?.Flow is null || (state.Flow == "services" && state.Step == "more" && state.Get("services_where") is null), $"{kind} {place}: at {state?.Flow}/{state?.Step}");
                foreach (var reply in replies)
                {
                    var sms = SmsRendering.Render(reply, language);
                    var segments = SmsSegments.Count(sms);
                    Assert.True(segments <= 3, $"{language} {kind} {place}: {segments} segments\n{sms}");
                    Assert.DoesNotContain("openstreetmap", sms);
                }
            }
        }
        // The biggest list: Paris emergency units with a national line, all details fitting.
        await turns.Say("/services");
        await turns.Say("emergency");
        var paris = Assert.Single(await turns.Say("75004"));
        output.WriteLine(SmsRendering.Render(paris, language));
    }

    [Fact]
    public void Compaction_drops_addresses_then_shortens_names_until_the_sms_fits()
    {
        var locales = _host.Get<Localization.Locales>();
        var ctx = new TurnContext(new ConversationState { Language = "ru" }, locales, Inbound.FromText(""), DateTimeOffset.UtcNow);
        var longName = "Centre hospitalier universitaire régional, service des urgences adultes et pédiatriques";
        var found = Enumerable.Range(1, 3).Select(i => (new SupportService($"s{i}", ServiceKind.Emergency, longName + " " + i, "123 boulevard de la République prolongée", "13001", "Marseille",
            43.3, 5.4, "04 91 00 00 00", "24/7", ["fr"], false, false), i * 1.25)).ToList();
        var text = ServicesFeature.Compact(ctx, "Скорая помощь: ближайшие к Марсель", found, "Национальная линия: 3919", null, new DateTime(2026, 3, 10, 12, 0, 0));
        output.WriteLine(text);
        Assert.True(SmsSegments.Count(SmsRendering.Prepare(text, "ru")) <= 3);
        Assert.DoesNotContain("boulevard", text);
        Assert.Contains("04 91 00 00 00", text);
    }

    /// <summary>Thirty-odd real places as people type them, each resolved through the flow to the right town.</summary>
    [Fact]
    public async Task Towns_and_postcodes_typed_every_way_are_found_through_the_flow()
    {
        (string Typed, string Expected)[] places =
        [
            ("13001", "Marseille 1er"), ("marseille", "Marseille"), ("MARSEILLE 13001", "Marseille 1er"), ("paris 11", "Paris 11e"),
            ("75011", "Paris 11e"), ("Paris", "Paris"), ("lyon", "Lyon"), ("69003", "Lyon 3e"), ("toulouse", "Toulouse"),
            ("31000", "Toulouse"), ("nice", "Nice"), ("06000", "Nice"), ("bordaux", "Bordeaux"), ("33000", "Bordeaux"),
            ("lille", "Lille"), ("nantes", "Nantes"), ("strasbourg", "Strasbourg"), ("67000", "Strasbourg"),
            ("montpellier", "Montpellier"), ("rennes", "Rennes"), ("ST ETIENNE", "Saint-Étienne"), ("aix en provence", "Aix-en-Provence"),
            ("la rochelle", "La Rochelle"), ("clermont ferrand", "Clermont-Ferrand"), ("perpignan", "Perpignan"), ("brest", "Brest"),
            ("grenoble", "Grenoble"), ("97400", "Saint-Denis"), ("ajaccio", "Ajaccio"), ("20000", "Ajaccio"), ("fort de france", "Fort-de-France"),
            ("le havre", "Le Havre"), ("Saint-Denis 93", "Saint-Denis"), ("93200", "Saint-Denis"), ("limoges", "Limoges"),
        ];
        var chat = await Member("gazetteer", "English");
        var failures = new List<string>();
        foreach (var (typed, expected) in places)
        {
            await chat.Send("/services");
            await chat.Tap("Emergency");
            await chat.Send(typed);
            var text = chat.LastText;
            if (text.Contains("Several towns", StringComparison.Ordinal) || text.Contains("couldn't find", StringComparison.Ordinal)
                || !(text.Contains("nearest to " + expected, StringComparison.Ordinal) || text.Contains("km of " + expected, StringComparison.Ordinal)))
                failures.Add($"{typed}: {text.Split('\n')[0]}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static double Haversine(double lat1, double lon1, double lat2, double lon2)
    {
        static double Rad(double d) => d * Math.PI / 180;
        var a = Math.Pow(Math.Sin(Rad(lat2 - lat1) / 2), 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Pow(Math.Sin(Rad(lon2 - lon1) / 2), 2);
        return 2 * 6371.0088 * Math.Asin(Math.Sqrt(a));
    }

    [GeneratedRegex(@"^\d\. (.+) - (\d+\.\d) km$", RegexOptions.Multiline)]
    private static partial Regex ListedDistance();
}
