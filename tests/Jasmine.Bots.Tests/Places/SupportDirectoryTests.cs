using Jasmine.Bots.Places;

namespace Jasmine.Bots.Tests.Places;

public sealed class SupportDirectoryTests
{
    // Reference points (town halls) and distances computed by hand with the haversine formula, R = 6371.0088 km.
    private const double ParisLat = 48.8566, ParisLon = 2.3522;
    private const double MarseilleLat = 43.2965, MarseilleLon = 5.3698;
    private const double LyonLat = 45.7640, LyonLon = 4.8357;
    private const double LilleLat = 50.6292, LilleLon = 3.0573;

    private static readonly DateTime TuesdayNoon = new(2026, 3, 10, 12, 0, 0);
    private static readonly DateTime TuesdayTenPm = new(2026, 3, 10, 22, 0, 0);

    private static SupportService Service(string id, double lat, double lon, string hours = "24/7",
        ServiceKind kind = ServiceKind.Health, bool hidden = false) =>
        new(id, kind, id, "", "", "", lat, lon, "", hours, ["fr"], SexWorkerFriendly: true, Hidden: hidden);

    [Fact]
    public void Haversine_distances_match_hand_computed_values()
    {
        Assert.Equal(660.5, Geo.HaversineKm(ParisLat, ParisLon, MarseilleLat, MarseilleLon), tolerance: 1.0);
        Assert.Equal(391.5, Geo.HaversineKm(ParisLat, ParisLon, LyonLat, LyonLon), tolerance: 1.0);
        Assert.Equal(204.0, Geo.HaversineKm(ParisLat, ParisLon, LilleLat, LilleLon), tolerance: 1.0);
        Assert.Equal(0, Geo.HaversineKm(ParisLat, ParisLon, ParisLat, ParisLon));
    }

    [Fact]
    public void Nearest_orders_services_by_great_circle_distance()
    {
        var directory = new SupportDirectory(
        [
            Service("marseille", MarseilleLat, MarseilleLon),
            Service("lille", LilleLat, LilleLon),
            Service("lyon", LyonLat, LyonLon),
        ]);

        var nearest = directory.Nearest(ParisLat, ParisLon, ServiceKind.Health, TuesdayNoon);

        Assert.Equal(["lille", "lyon", "marseille"], nearest.Select(n => n.Service.Id));
        Assert.Equal(204.0, nearest[0].DistanceKm, tolerance: 1.0);
        Assert.Equal(391.5, nearest[1].DistanceKm, tolerance: 1.0);
        Assert.Equal(660.5, nearest[2].DistanceKm, tolerance: 1.0);
    }

    [Fact]
    public void Nearest_only_answers_the_kind_asked_for()
    {
        var directory = new SupportDirectory(
        [
            Service("health", ParisLat, ParisLon),
            Service("legal", ParisLat, ParisLon, kind: ServiceKind.Legal),
        ]);

        Assert.Equal(["legal"], directory.Nearest(ParisLat, ParisLon, ServiceKind.Legal, TuesdayNoon).Select(n => n.Service.Id));
        Assert.Empty(directory.Nearest(ParisLat, ParisLon, ServiceKind.Shelter, TuesdayNoon));
    }

    [Fact]
    public void A_service_open_now_comes_before_a_nearer_closed_one()
    {
        var directory = new SupportDirectory(
        [
            Service("closed-near", ParisLat, ParisLon, "Sa 10:00-12:00"),
            Service("open-far", LyonLat, LyonLon, "Mo-Fr 09:00-17:00"),
        ]);

        var nearest = directory.Nearest(ParisLat, ParisLon, ServiceKind.Health, TuesdayNoon, count: 1);

        Assert.Equal("open-far", Assert.Single(nearest).Service.Id);
    }

    [Fact]
    public void A_service_opening_tomorrow_morning_counts_as_soon()
    {
        var directory = new SupportDirectory(
        [
            Service("opens-tomorrow-9am", ParisLat, ParisLon, "Mo-Fr 09:00-17:00"),
            Service("always-open-far", MarseilleLat, MarseilleLon),
        ]);

        var nearest = directory.Nearest(ParisLat, ParisLon, ServiceKind.Health, TuesdayTenPm, count: 1);

        Assert.Equal("opens-tomorrow-9am", Assert.Single(nearest).Service.Id);
    }

    [Fact]
    public void Closed_services_fill_the_list_when_too_few_are_open()
    {
        var directory = new SupportDirectory(
        [
            Service("closed-near", ParisLat, ParisLon, "Sa 10:00-12:00"),
            Service("unknown-hours", LilleLat, LilleLon, ""),
            Service("open-far", MarseilleLat, MarseilleLon),
        ]);

        var nearest = directory.Nearest(ParisLat, ParisLon, ServiceKind.Health, TuesdayNoon);

        Assert.Equal(["open-far", "closed-near", "unknown-hours"], nearest.Select(n => n.Service.Id));
    }

    [Fact]
    public void Without_the_open_preference_distance_alone_decides()
    {
        var directory = new SupportDirectory(
        [
            Service("closed-near", ParisLat, ParisLon, "Sa 10:00-12:00"),
            Service("open-far", LyonLat, LyonLon),
        ]);

        var nearest = directory.Nearest(ParisLat, ParisLon, ServiceKind.Health, TuesdayNoon, count: 1, openNowOrSoon: false);

        Assert.Equal("closed-near", Assert.Single(nearest).Service.Id);
    }

    [Fact]
    public void Hidden_services_are_never_answered()
    {
        var directory = new SupportDirectory(
        [
            Service("hidden-shelter", ParisLat, ParisLon, kind: ServiceKind.Shelter, hidden: true),
            Service("visible-shelter", LilleLat, LilleLon, kind: ServiceKind.Shelter),
        ]);

        var nearest = directory.Nearest(ParisLat, ParisLon, ServiceKind.Shelter, TuesdayNoon);

        Assert.Equal(["visible-shelter"], nearest.Select(n => n.Service.Id));
    }

    [Fact]
    public void Nearest_over_a_large_random_directory_agrees_with_a_brute_force_scan()
    {
        var random = new Random(7);
        var services = Enumerable.Range(0, 3000)
            .Select(i => Service($"s{i}", 42 + random.NextDouble() * 9, -4.5 + random.NextDouble() * 12.5,
                random.Next(3) switch { 0 => "24/7", 1 => "Mo-Fr 09:00-17:00", _ => "Sa 10:00-13:00" }))
            .ToList();
        var directory = new SupportDirectory(services);

        for (var q = 0; q < 200; q++)
        {
            var (lat, lon) = (42 + random.NextDouble() * 9, -4.5 + random.NextDouble() * 12.5);
            var expected = services
                .Select(s => (s.Id, Km: Geo.HaversineKm(lat, lon, s.Latitude, s.Longitude)))
                .OrderBy(x => x.Km).Take(5).Select(x => x.Id);
            var actual = directory.Nearest(lat, lon, ServiceKind.Health, TuesdayNoon, count: 5, openNowOrSoon: false);
            Assert.Equal(expected, actual.Select(a => a.Service.Id));
        }
    }
}
