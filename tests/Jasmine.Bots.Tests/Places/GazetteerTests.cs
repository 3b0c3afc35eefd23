using Jasmine.Bots.Places;

namespace Jasmine.Bots.Tests.Places;

public sealed class GazetteerTests
{
    private static readonly Gazetteer Gazetteer = Gazetteer.LoadEmbedded();

    [Theory]
    // Postcodes, arrondissements first
    [InlineData("13001", "13201", "Marseille 1er Arrondissement")]
    [InlineData("75011", "75111", "Paris 11e Arrondissement")]
    [InlineData("75116", "75116", "Paris 16e Arrondissement")]
    [InlineData("69003", "69383", "Lyon 3e Arrondissement")]
    [InlineData("33000", "33063", "Bordeaux")]
    [InlineData("31000", "31555", "Toulouse")]
    [InlineData("44000", "44109", "Nantes")]
    [InlineData("59000", "59350", "Lille")]
    [InlineData("67000", "67482", "Strasbourg")]
    [InlineData("06000", "06088", "Nice")]
    [InlineData("34000", "34172", "Montpellier")]
    [InlineData("35000", "35238", "Rennes")]
    [InlineData("93200", "93066", "Saint-Denis")]
    // Town names in any spelling
    [InlineData("marseille", "13055", "Marseille")]
    [InlineData("Paris", "75056", "Paris")]
    [InlineData("LYON", "69123", "Lyon")]
    [InlineData("paris 11", "75111", "Paris 11e Arrondissement")]
    [InlineData("Marseille 1er", "13201", "Marseille 1er Arrondissement")]
    [InlineData("paris 75011", "75111", "Paris 11e Arrondissement")]
    [InlineData("saint denis 93200", "93066", "Saint-Denis")]
    [InlineData("Saint-Denis 93", "93066", "Saint-Denis")]
    [InlineData("st denis 974", "97411", "Saint-Denis")]
    [InlineData("L'Haÿ-les-Roses", "94038", "L'Haÿ-les-Roses")]
    [InlineData("lhay les roses", "94038", "L'Haÿ-les-Roses")]
    [InlineData("chalons en champagne", "51108", "Châlons-en-Champagne")]
    [InlineData("CHÂLONS-EN-CHAMPAGNE", "51108", "Châlons-en-Champagne")]
    [InlineData("Valence", "26362", "Valence")]
    [InlineData("valence 82", "82186", "Valence")]
    [InlineData("Sainte-Marie", "97418", "Sainte-Marie")]
    [InlineData("ste marie 972", "97228", "Sainte-Marie")]
    [InlineData("Ajaccio", "2A004", "Ajaccio")]
    [InlineData("bastia", "2B033", "Bastia")]
    [InlineData("20000", "2A004", "Ajaccio")]
    [InlineData("Fort-de-France", "97209", "Fort-de-France")]
    [InlineData("pointe a pitre", "97120", "Pointe-à-Pitre")]
    [InlineData("Cayenne", "97302", "Cayenne")]
    [InlineData("mamoudzou", "97611", "Mamoudzou")]
    [InlineData("97400", "97411", "Saint-Denis")]
    [InlineData("Tourlaville", "50129", "Cherbourg-en-Cotentin")]
    [InlineData("marseile", "13055", "Marseille")]
    [InlineData("Aix en Provence", "13001", "Aix-en-Provence")]
    [InlineData("75056", "75056", "Paris")]
    public void Resolves_a_postcode_or_a_town_typed_any_way_to_the_expected_place_first(string text, string insee, string name)
    {
        var results = Gazetteer.Resolve(text);

        Assert.NotEmpty(results);
        Assert.Equal((insee, name), (results[0].InseeCode, results[0].Name));
    }

    [Theory]
    [InlineData("St Denis")]
    [InlineData("saint denis")]
    [InlineData("ST-DENIS")]
    [InlineData("Saint-Denis")]
    public void Saint_Denis_in_any_spelling_lists_every_Saint_Denis_by_population(string text)
    {
        var results = Gazetteer.Resolve(text);

        Assert.All(results, p => Assert.Equal("Saint-Denis", p.Name));
        // La Réunion's Saint-Denis is the larger of the two in INSEE's figures, so it comes first.
        Assert.Equal(["97411", "93066"], results.Take(2).Select(p => p.InseeCode));
        Assert.True(results.Count >= 4);
        Assert.Equal(results.OrderByDescending(p => p.Population).Select(p => p.InseeCode), results.Select(p => p.InseeCode));
    }

    [Fact]
    public void Saint_Denis_with_its_departement_or_postcode_leaves_only_the_one_in_93()
    {
        Assert.Equal(["93066"], Gazetteer.Resolve("Saint-Denis 93").Select(p => p.InseeCode));
        var byPostcode = Assert.Single(Gazetteer.Resolve("saint denis 93200"));
        Assert.Equal("93200", byPostcode.Postcode);
    }

    [Fact]
    public void A_postcode_answer_carries_the_postcode_that_was_asked()
    {
        var place = Assert.Single(Gazetteer.Resolve("93210"), p => p.InseeCode == "93066");
        Assert.Equal("93210", place.Postcode);
    }

    [Fact]
    public void Marseille_by_name_is_the_commune_and_not_one_of_its_arrondissements()
    {
        Assert.Equal(["13055"], Gazetteer.Resolve("marseille").Select(p => p.InseeCode));
    }

    [Theory]
    [InlineData("Île-de-France")]
    [InlineData("Provence-Alpes-Côte d'Azur")]
    [InlineData("asdfgh")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("99999")]
    [InlineData("saint denis 13")]
    public void Junk_or_regions_resolve_to_nothing(string text)
    {
        Assert.Empty(Gazetteer.Resolve(text));
    }

    [Theory]
    [InlineData("93", "93066")]
    [InlineData("2A", "2A004")]
    [InlineData("2b", "2B033")]
    [InlineData("974", "97411")]
    [InlineData("75", "75056")]
    [InlineData("13", "13055")]
    [InlineData("1", "01053")]
    public void A_bare_departement_code_answers_its_most_populous_commune(string code, string insee)
    {
        Assert.Equal(insee, Assert.Single(Gazetteer.Resolve(code)).InseeCode);
    }

    [Fact]
    public void Results_are_capped()
    {
        Assert.True(Gazetteer.Resolve("sainte marie").Count <= Gazetteer.MaxResults);
    }

    [Fact]
    public void The_embedded_file_holds_every_commune_including_overseas_and_arrondissements()
    {
        Assert.InRange(Gazetteer.Count, 34_800, 35_100);
        foreach (var insee in new[] { "75101", "75120", "13216", "69389", "97101", "97209", "97302", "97411", "97611", "2A004", "2B033" })
            Assert.NotNull(Gazetteer.FindByInsee(insee));
    }

    [Theory]
    [InlineData(48.8530, 2.3499, "75104")]  // Notre-Dame, Paris 4e
    [InlineData(48.8867, 2.3431, "75118")]  // Montmartre, Paris 18e
    [InlineData(43.2990, 5.3850, "13201")]  // Les Réformés, Marseille 1er
    [InlineData(45.7578, 4.8320, "69382")]  // Place Bellecour, Lyon 2e
    [InlineData(43.6047, 1.4442, "31555")]  // Toulouse, Capitole
    [InlineData(48.5734, 7.7521, "67482")]  // Strasbourg cathedral
    [InlineData(47.2184, -1.5536, "44109")] // Nantes
    [InlineData(41.9192, 8.7386, "2A004")]  // Ajaccio
    [InlineData(-20.8789, 55.4481, "97411")] // Saint-Denis, La Réunion
    [InlineData(14.6037, -61.0731, "97209")] // Fort-de-France
    public void Reverse_geocodes_a_shared_location_to_the_nearest_commune(double lat, double lon, string insee)
    {
        Assert.Equal(insee, Gazetteer.NearestCommune(lat, lon).InseeCode);
    }

    [Theory]
    [InlineData("75011", "75")]
    [InlineData("01000", "01")]
    [InlineData("20000", "2A")]
    [InlineData("20167", "2A")]
    [InlineData("20200", "2B")]
    [InlineData("20600", "2B")]
    [InlineData("97400", "974")]
    [InlineData("97600", "976")]
    [InlineData("97133", "977")]
    [InlineData("abcde", null)]
    [InlineData("7501", null)]
    [InlineData("98000", null)]
    public void Departement_of_postcode_handles_Corsica_and_overseas(string postcode, string? expected)
    {
        Assert.Equal(expected, Gazetteer.DepartementOfPostcode(postcode));
    }

    [Fact]
    public void Departement_of_postcode_agrees_with_the_gazetteer_for_all_but_a_few_border_postcodes()
    {
        var mismatches = new List<string>();
        var checkedPostcodes = 0;
        foreach (var postcode in Enumerable.Range(0, 100_000).Select(n => n.ToString("D5")))
        {
            var places = Gazetteer.Resolve(postcode);
            if (places.Count == 0) continue;
            checkedPostcodes++;
            var departement = Gazetteer.DepartementOfPostcode(postcode);
            if (places.All(p => p.Departement != departement)) mismatches.Add($"{postcode}->{places[0].Departement}");
        }

        // La Poste serves a few villages from an office across the border, e.g. 94390 Paray-Vieille-Poste is in 91.
        Assert.True(checkedPostcodes > 6000);
        Assert.Contains("94390->91", mismatches);
        Assert.True(mismatches.Count < 10, string.Join(", ", mismatches));
    }
}
