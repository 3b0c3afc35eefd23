using System.Runtime.CompilerServices;
using System.Text;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Help;
using Jasmine.Bots.Places;
using Jasmine.Bots.Tests.Support;
using Xunit.Abstractions;

namespace Jasmine.Bots.Tests.Places;

/// <summary>
/// The FINESS extract (etalab-cs1100507 layout) read into support services: a synthetic fixture of 65
/// establishments in the documented line layout, coordinates in Lambert 93 and UTM made by an independent forward
/// projection (Fixtures/make-finess-fixture.py, which wrote the fixture).
/// </summary>
public sealed class FinessExtractTests(ITestOutputHelper output) : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    public static string FixturePath([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Fixtures", "finess-extract.csv");

    private static FinessExtract.Result Fixture() => FinessExtract.Read(new StringReader(FinessExtract.Decode(File.ReadAllBytes(FixturePath()))));

    [Fact]
    public void The_fixture_follows_the_documented_layout_with_at_least_fifty_establishments()
    {
        var lines = Encoding.Latin1.GetString(File.ReadAllBytes(FixturePath())).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var structures = lines.Where(l => l.StartsWith("structureet;", StringComparison.Ordinal)).ToList();
        var geo = lines.Where(l => l.StartsWith("geolocalisation;", StringComparison.Ordinal)).ToList();
        Assert.True(structures.Count >= 50, $"{structures.Count} establishments");
        Assert.All(structures, l => Assert.Equal(32, l.Split(';').Length));
        Assert.All(geo, l => Assert.Equal(6, l.Split(';').Length));
        // ISO-8859-1 as the extract has long been: "prévention" is one byte é (0xE9).
        Assert.Contains((byte)0xE9, File.ReadAllBytes(FixturePath()));
    }

    [Fact]
    public void Only_the_kinds_a_member_needs_are_kept_and_the_rest_is_counted()
    {
        var result = Fixture();
        Assert.Equal(65, result.Establishments);
        Assert.Equal(4, result.Skipped["other category"]);
        Assert.Equal(1, result.Skipped["no coordinates"]);
        Assert.Equal(1, result.Skipped["unknown projection"]);
        Assert.Equal(59, result.Services.Count);
        var byKind = result.Services.GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(36, byKind[ServiceKind.Health]);
        Assert.Equal(6, byKind[ServiceKind.Emergency]);
        Assert.Equal(17, byKind[ServiceKind.HarmReduction]);
        Assert.All(result.Services, s => Assert.StartsWith(FinessExtract.IdPrefix, s.Id));
        Assert.All(result.Services.Where(s => s.Kind == ServiceKind.Emergency), s => Assert.Equal("24/7", s.OpeningHours));
    }

    [Fact]
    public void A_row_reads_as_a_service_with_a_readable_name_address_town_and_phone()
    {
        var cegidd = Fixture().Services.Single(s => s.Name.Contains("Edouard Herriot", StringComparison.Ordinal) && s.Kind == ServiceKind.Health);
        Assert.Equal("CeGIDD Hopital Edouard Herriot", cegidd.Name);
        Assert.Equal("5 place D Arsonval", cegidd.Address);
        Assert.Equal("69003", cegidd.Postcode);
        Assert.Equal("Lyon", cegidd.Town);
        Assert.Equal("04 72 11 00 00", cegidd.Phone);
        var hospital = Fixture().Services.Single(s => s.Kind == ServiceKind.Emergency && s.Postcode == "69003");
        Assert.Equal("Urgences - Hopital Edouard Herriot", hospital.Name);
        var caarud = Fixture().Services.Single(s => s.Name.Contains("Caarud Saint Etienne", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(ServiceKind.HarmReduction, caarud.Kind);
    }

    [Theory]
    [InlineData("CEGIDD HOPITAL EDOUARD HERRIOT", 45.7423, 4.8826)]   // Lambert 93
    [InlineData("CEGIDD CHU BREST CAVALE BLANCHE", 48.4010, -4.5230)] // Lambert 93, far west
    [InlineData("CEGIDD CHU NICE ARCHET", 43.7090, 7.2200)]          // Lambert 93, far east
    [InlineData("CEGIDD CHU LA REUNION SAINT DENIS", -20.8900, 55.4430)] // UTM 40 south
    [InlineData("CEGIDD CHU POINTE A PITRE", 16.2400, -61.5350)]       // UTM 20 north
    public void Coordinates_come_back_within_a_few_metres_of_where_they_were_projected_from(string name, double lat, double lon)
    {
        var service = Fixture().Services.Single(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || s.Name.Equals(name.Replace("CEGIDD", "CeGIDD", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
        var metres = Geo.HaversineKm(lat, lon, service.Latitude, service.Longitude) * 1000;
        output.WriteLine($"{name}: {service.Latitude}, {service.Longitude} ({metres:0.00} m)");
        Assert.True(metres < 5, $"{name}: {metres:0.0} m away");
    }

    [Fact]
    public void The_lambert_93_origin_and_the_utm_central_meridian_are_where_ign_and_the_utm_definition_put_them()
    {
        var (lat, lon) = Projections.FromLambert93(700000, 6600000);
        Assert.Equal(46.5, lat, 7);
        Assert.Equal(3.0, lon, 7);
        (lat, lon) = Projections.FromUtm(500000, 0, 31, south: false);
        Assert.Equal(0, lat, 7);
        Assert.Equal(3.0, lon, 7);
        (lat, lon) = Projections.FromUtm(500000, 10000000, 40, south: true);
        Assert.Equal(0, lat, 7);
        Assert.Equal(57.0, lon, 7);
    }

    [Fact]
    public void A_file_that_is_not_the_extract_is_refused_with_a_reason()
    {
        var e = Assert.Throws<FormatException>(() => FinessExtract.Read(new StringReader("id,kind,name\n1,Health,x\n")));
        Assert.Contains("structureet", e.Message);
        e = Assert.Throws<FormatException>(() => FinessExtract.Read(new StringReader("finess;etalab\nstructureet;123;456;trop court\n")));
        Assert.Contains("line 2", e.Message);
    }

    private async Task<(int Code, string Output)> Run(params string[] args)
    {
        var writer = new StringWriter();
        var code = await _host.Get<AdminCommands>().RunAsync(args, writer, CancellationToken.None);
        return (code, writer.ToString());
    }

    [Fact]
    public async Task The_cli_imports_the_extract_and_a_second_import_replaces_rather_than_duplicates()
    {
        var store = _host.Get<SupportServiceStore>();
        var before = store.List().Count;
        var (code, text) = await Run("services", "import-finess", FixturePath());
        output.WriteLine(text);
        Assert.Equal(0, code);
        Assert.Contains("Imported 59 service(s) from 65 FINESS establishment(s): 59 added, 0 updated; left out: 1 no coordinates, 4 other category, 1 unknown projection.", text);
        Assert.Equal(before + 59, store.List().Count);

        (code, text) = await Run("services", "import-finess", FixturePath());
        Assert.Equal(0, code);
        Assert.Contains("0 added, 59 updated", text);
        Assert.Equal(before + 59, store.List().Count);

        (code, text) = await Run("services", "import-finess", Path.Combine(_host.DataDirectory, "missing.csv"));
        Assert.Equal(1, code);
        Assert.Contains("No file at", text);
    }

    [Fact]
    public async Task An_establishment_the_next_extract_no_longer_lists_is_hidden_and_she_is_not_sent_there()
    {
        Assert.Equal(0, (await Run("services", "import-finess", FixturePath())).Code);
        var store = _host.Get<SupportServiceStore>();
        Assert.NotNull(store.Get(FinessExtract.IdPrefix + "699000000"));

        // Next month's extract: the Lyon CeGIDD (structure 699000000) has closed, so its lines are gone.
        var later = Path.Combine(_host.DataDirectory, "finess-later.csv");
        var lines = File.ReadAllBytes(FixturePath()).AsSpan().ToArray();
        var kept = SplitLines(lines).Where(l => !System.Text.Encoding.Latin1.GetString(l).Contains(";699000000;", StringComparison.Ordinal)).ToList();
        Assert.True(kept.Count < SplitLines(lines).Count);
        File.WriteAllBytes(later, kept.SelectMany(l => l.Concat("\n"u8.ToArray())).ToArray());
        var (code, text) = await Run("services", "import-finess", later);
        output.WriteLine(text);
        Assert.Equal(0, code);
        Assert.Contains("Hidden: 1 FINESS service(s) no longer in the extract", text);
        Assert.True(store.Get(FinessExtract.IdPrefix + "699000000")!.Hidden);

        var chat = _host.Chat("finess-closed");
        await chat.Join(_host.NewInvite(), "English");
        await chat.Send("/services");
        await chat.Tap("Health, testing");
        await chat.Send("69003");
        Assert.DoesNotContain("CeGIDD Hopital Edouard Herriot", chat.LastText);

        // A cut file (a few rows) hides nothing: it does not look like the full list.
        var cut = Path.Combine(_host.DataDirectory, "finess-cut.csv");
        File.WriteAllBytes(cut, SplitLines(lines).Take(9).SelectMany(l => l.Concat("\n"u8.ToArray())).ToArray());
        (code, text) = await Run("services", "import-finess", cut);
        Assert.Equal(0, code);
        Assert.Contains("Nothing hidden", text);
        Assert.Equal(58, store.List().Count(s => s.Id.StartsWith(FinessExtract.IdPrefix, StringComparison.Ordinal) && !s.Hidden));
    }

    private static List<byte[]> SplitLines(byte[] bytes)
    {
        var result = new List<byte[]>();
        var start = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i < bytes.Length && bytes[i] != (byte)'\n') continue;
            var end = i > start && bytes[i - 1] == (byte)'\r' ? i - 1 : i;
            if (end > start) result.Add(bytes[start..end]);
            start = i + 1;
        }
        return result;
    }

    [Theory]
    [InlineData("69003", "CeGIDD Hopital Edouard Herriot")]
    [InlineData("st etienne", "CeGIDD CHU Saint Etienne")]
    [InlineData("brest", "CeGIDD CHU Brest Cavale Blanche")]
    public async Task After_the_import_a_postcode_or_a_town_finds_a_cegidd_near_her(string place, string expected)
    {
        Assert.Equal(0, (await Run("services", "import-finess", FixturePath())).Code);
        var chat = _host.Chat("finess-" + place.Replace(' ', '-'));
        await chat.Join(_host.NewInvite(), "English");
        await chat.Send("/services");
        await chat.Tap("Health, testing");
        await chat.Send(place);
        output.WriteLine(chat.LastText);
        chat.Expect("Health, testing (CeGIDD): nearest to");
        chat.Expect(expected);
    }
}
