using Jasmine.Bots.Places;

namespace Jasmine.Bots.Tests.Places;

public sealed class SupportDirectoryCsvTests
{
    private const string Header =
        "id,kind,name,address,postcode,town,latitude,longitude,phone,opening_hours,languages,sex_worker_friendly,hidden\r\n";

    [Fact]
    public void Services_survive_a_csv_round_trip_including_commas_quotes_and_line_breaks()
    {
        SupportService[] services =
        [
            new("a-1", ServiceKind.Community, "Association \"Le Bus\", Paris", "58 rue des Amandiers\nBâtiment B", "75020",
                "Paris", 48.8655, 2.389, "01 43 14 98 98", "Mo-Fr 10:00-17:00; Sa 10:00-13:00", ["fr", "en", "zh"], true, false),
            new("b-2", ServiceKind.Shelter, "Refuge", "", "", "Lyon", 45.764, 4.8357, "115", "24/7", [], false, true),
        ];
        var writer = new StringWriter();

        SupportDirectory.WriteCsv(writer, services);
        var read = SupportDirectory.ReadCsv(new StringReader(writer.ToString()));

        Assert.Equal(services.Length, read.Count);
        for (var i = 0; i < services.Length; i++)
        {
            Assert.Equal(services[i] with { Languages = [] }, read[i] with { Languages = [] });
            Assert.Equal(services[i].Languages, read[i].Languages);
        }
    }

    [Fact]
    public void A_bad_row_is_reported_with_its_line_and_column()
    {
        var csv = Header
            + "ok,Health,Hôpital,,75010,Paris,48.88,2.35,,24/7,fr,false,false\r\n"
            + "\"multi\nline\",Health,Autre,,75010,Paris,48.88,2.35,,24/7,fr,false,false\r\n"
            + "bad,Health,Hôpital,,75010,Paris,north,2.35,,24/7,fr,false,false\r\n";

        var error = Assert.Throws<FormatException>(() => SupportDirectory.ReadCsv(new StringReader(csv)));

        Assert.Contains("line 5", error.Message);
        Assert.Contains("latitude", error.Message);
    }

    [Theory]
    [InlineData("x,Spa,Nom,,,,48,2,,,fr,false,false", "kind")]
    [InlineData("x,Health,Nom,,,,48,2,,Mo-Fr 9h-17h,fr,false,false", "opening_hours")]
    [InlineData("x,Health,Nom,,,,48,2,,,fr,maybe,false", "sex_worker_friendly")]
    [InlineData("x,Health,Nom,,,,48,2", "missing")]
    [InlineData("x,Health,Nom,,,,48,200,,,fr,false,false", "longitude")]
    public void Each_kind_of_bad_value_is_named(string row, string expected)
    {
        var error = Assert.Throws<FormatException>(() => SupportDirectory.ReadCsv(new StringReader(Header + row)));

        Assert.Contains("line 2", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_duplicate_id_is_refused()
    {
        var row = "x,Health,Nom,,,,48,2,,,fr,false,false\r\n";

        var error = Assert.Throws<FormatException>(() => SupportDirectory.ReadCsv(new StringReader(Header + row + row)));

        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void The_sample_directory_loads_and_answers_for_Paris()
    {
        var path = Support.Repository.Path("conversations", "services.sample.csv");
        using var reader = File.OpenText(path);

        var services = SupportDirectory.ReadCsv(reader);
        var nearest = new SupportDirectory(services)
            .Nearest(48.8566, 2.3522, ServiceKind.Emergency, new DateTime(2026, 3, 10, 3, 0, 0));

        Assert.InRange(services.Count, 20, 40);
        Assert.All(services, s => Assert.InRange(s.Latitude, -22, 52));
        Assert.NotEmpty(nearest);
        Assert.All(nearest, n => Assert.True(n.DistanceKm < 10, $"{n.Service.Name} is {n.DistanceKm:F1} km away"));
    }
}
