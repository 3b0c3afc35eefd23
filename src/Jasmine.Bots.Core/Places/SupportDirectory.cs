namespace Jasmine.Bots.Places;

/// <summary>Finds the nearest visible support services of a kind, preferring those open now or soon.</summary>
public sealed partial class SupportDirectory
{
    /// <summary>A service opening within this long counts as "soon": worth walking to tomorrow morning.</summary>
    public static readonly TimeSpan SoonWindow = TimeSpan.FromHours(12);

    // 0.5° (~55 km north-south) keeps a city's services in a handful of cells while rural queries still stop early.
    private const double CellDegrees = 0.5;

    private readonly Dictionary<ServiceKind, KindIndex> _byKind;

    private sealed record KindIndex(SupportService[] Services, OpeningHours[] Hours, GeoGrid Grid);

    public SupportDirectory(IEnumerable<SupportService> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _byKind = services
            .Where(s => !s.Hidden)
            .GroupBy(s => s.Kind)
            .ToDictionary(g => g.Key, g =>
            {
                var list = g.ToArray();
                var hours = list.Select(s => OpeningHours.Parse(s.OpeningHours)).ToArray();
                return new KindIndex(list, hours, new GeoGrid([.. list.Select(s => (s.Latitude, s.Longitude))], CellDegrees));
            });
    }

    /// <summary>
    /// The <paramref name="count"/> nearest visible services of <paramref name="kind"/> by great-circle distance.
    /// With <paramref name="openNowOrSoon"/>, services open now or opening within <see cref="SoonWindow"/> come first
    /// (nearest first), and closed ones (or with unknown hours) fill the list only when there are too few of those.
    /// </summary>
    public IReadOnlyList<(SupportService Service, double DistanceKm)> Nearest(
        double lat, double lon, ServiceKind kind, DateTime nowParis, int count = 3, bool openNowOrSoon = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!_byKind.TryGetValue(kind, out var index)) return [];

        var preferred = new TopK(count);
        var others = new TopK(count);
        var soonLimit = nowParis + SoonWindow;
        index.Grid.Walk(lat, lon,
            (i, km) =>
            {
                if (!openNowOrSoon) { preferred.Offer(i, km); return; }
                // Cheap test first: only a service that could enter a list needs its hours checked.
                if (!preferred.WouldAccept(km) && !others.WouldAccept(km)) return;
                if (index.Hours[i].NextOpening(nowParis) is { } opens && opens <= soonLimit) preferred.Offer(i, km);
                else others.Offer(i, km);
            },
            bound => preferred.IsFullWithin(bound));

        var result = new List<(SupportService, double)>(count);
        foreach (var (i, km) in preferred.Sorted()) result.Add((index.Services[i], km));
        foreach (var (i, km) in others.Sorted())
        {
            if (result.Count == count) break;
            result.Add((index.Services[i], km));
        }
        return result;
    }

    /// <summary>The k smallest distances seen so far; k is small (a chat shows three or so).</summary>
    private sealed class TopK(int k)
    {
        private readonly List<(int Index, double Km)> _items = new(k + 1);

        public bool WouldAccept(double km) => _items.Count < k || km < _items[^1].Km;

        public void Offer(int index, double km)
        {
            if (!WouldAccept(km)) return;
            var at = _items.FindIndex(x => x.Km > km);
            _items.Insert(at < 0 ? _items.Count : at, (index, km));
            if (_items.Count > k) _items.RemoveAt(k);
        }

        public bool IsFullWithin(double km) => _items.Count == k && _items[^1].Km <= km;

        public IEnumerable<(int Index, double Km)> Sorted() => _items;
    }
}
