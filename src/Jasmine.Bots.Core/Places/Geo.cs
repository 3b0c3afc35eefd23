namespace Jasmine.Bots.Places;

internal static class Geo
{
    // IUGG mean Earth radius: the usual choice for haversine, within 0.5 % of the true distance anywhere in France.
    public const double EarthRadiusKm = 6371.0088;

    public static double HaversineKm(double lat1, double lon1, double lat2, double lon2)
    {
        var dLat = DegreesToRadians(lat2 - lat1);
        var dLon = DegreesToRadians(lon2 - lon1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
              + Math.Cos(DegreesToRadians(lat1)) * Math.Cos(DegreesToRadians(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    public static double DegreesToRadians(double degrees) => degrees * Math.PI / 180;
}

/// <summary>
/// Points bucketed in square cells of <c>cellDegrees</c>; a query walks rings of cells outwards from the query's cell
/// and stops once no unvisited cell can hold anything nearer than what it already has.
/// </summary>
internal sealed class GeoGrid
{
    private const double KmPerDegree = Geo.EarthRadiusKm * Math.PI / 180;

    private readonly double _cell;
    private readonly Dictionary<(int Row, int Col), int[]> _cells;
    private readonly double[] _lat;
    private readonly double[] _lon;
    private readonly int _minRow, _maxRow, _minCol, _maxCol;

    public GeoGrid(IReadOnlyList<(double Lat, double Lon)> points, double cellDegrees)
    {
        _cell = cellDegrees;
        _lat = new double[points.Count];
        _lon = new double[points.Count];
        var buckets = new Dictionary<(int, int), List<int>>();
        for (var i = 0; i < points.Count; i++)
        {
            _lat[i] = points[i].Lat;
            _lon[i] = points[i].Lon;
            var key = CellOf(points[i].Lat, points[i].Lon);
            if (!buckets.TryGetValue(key, out var list)) buckets[key] = list = [];
            list.Add(i);
        }
        _cells = buckets.ToDictionary(b => b.Key, b => b.Value.ToArray());
        _minRow = _cells.Count == 0 ? 0 : _cells.Keys.Min(k => k.Item1);
        _maxRow = _cells.Count == 0 ? -1 : _cells.Keys.Max(k => k.Item1);
        _minCol = _cells.Count == 0 ? 0 : _cells.Keys.Min(k => k.Item2);
        _maxCol = _cells.Count == 0 ? -1 : _cells.Keys.Max(k => k.Item2);
    }

    public int Count => _lat.Length;

    /// <summary>
    /// Visits points in rings of growing distance. <paramref name="visit"/> receives each point's index and distance;
    /// <paramref name="enough"/> is asked after each ring whether the caller can stop, given the smallest distance any
    /// point of a not yet visited ring can have.
    /// </summary>
    public void Walk(double lat, double lon, Action<int, double> visit, Func<double, bool> enough)
    {
        if (_cells.Count == 0) return;
        var (row, col) = CellOf(lat, lon);
        var maxRing = Math.Max(Math.Max(Math.Abs(row - _minRow), Math.Abs(row - _maxRow)),
                               Math.Max(Math.Abs(col - _minCol), Math.Abs(col - _maxCol)));
        for (var ring = 0; ring <= maxRing; ring++)
        {
            for (var r = row - ring; r <= row + ring; r++)
            {
                var edgeRow = r == row - ring || r == row + ring;
                for (var c = col - ring; c <= col + ring; c += edgeRow || ring == 0 ? 1 : 2 * ring)
                {
                    if (!_cells.TryGetValue((r, c), out var members)) continue;
                    foreach (var i in members) visit(i, Geo.HaversineKm(lat, lon, _lat[i], _lon[i]));
                }
            }
            if (enough(LowerBoundKm(lat, ring + 1))) return;
        }
    }

    public int Nearest(double lat, double lon)
    {
        var best = -1;
        var bestKm = double.MaxValue;
        Walk(lat, lon, (i, km) => { if (km < bestKm) { bestKm = km; best = i; } }, bound => best >= 0 && bestKm <= bound);
        return best;
    }

    // Any point in ring n is at least n-1 whole cells away along latitude or longitude; a degree of longitude is
    // shortest at the highest latitude the ring can reach.
    private double LowerBoundKm(double lat, int ring)
    {
        var gapDegrees = (ring - 1) * _cell;
        if (gapDegrees <= 0) return 0;
        var highestLat = Math.Min(89.9, Math.Abs(lat) + (ring + 1) * _cell);
        return gapDegrees * KmPerDegree * Math.Cos(Geo.DegreesToRadians(highestLat));
    }

    private (int, int) CellOf(double lat, double lon) => ((int)Math.Floor(lat / _cell), (int)Math.Floor(lon / _cell));
}
