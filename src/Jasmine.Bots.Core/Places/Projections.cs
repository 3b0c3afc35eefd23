namespace Jasmine.Bots.Places;

/// <summary>
/// Projected coordinates of the FINESS extract back to latitude and longitude. RGF93 and the DOM's RGAF09 / RGFG95 /
/// RGR92 / RGM04 are ITRS realisations on GRS80: within a metre of WGS84, far below what a "nearest service" needs,
/// so no datum shift is applied.
/// </summary>
public static class Projections
{
    // GRS80.
    private const double A = 6378137.0;
    private const double F = 1 / 298.257222101;
    private static readonly double E2 = F * (2 - F);
    private static readonly double E = Math.Sqrt(E2);

    // Lambert 93 (EPSG:2154), the constants IGN publishes for it (notice NTG_71, ALG0004 for the inverse).
    private const double LambertN = 0.7256077650532670;
    private const double LambertC = 11754255.426096;
    private const double LambertXs = 700000.0;
    private const double LambertYs = 12655612.049876;
    private const double LambertLon0 = 3.0;

    /// <summary>Lambert 93 metres → degrees (IGN ALG0004: isometric latitude inverted by iteration).</summary>
    public static (double Latitude, double Longitude) FromLambert93(double x, double y)
    {
        var dx = x - LambertXs;
        var dy = y - LambertYs;
        var r = Math.Sqrt(dx * dx + dy * dy);
        var gamma = Math.Atan(dx / -dy);
        var lon = LambertLon0 + RadToDeg(gamma / LambertN);
        var isoLat = -1 / LambertN * Math.Log(Math.Abs(r / LambertC));
        var phi = 2 * Math.Atan(Math.Exp(isoLat)) - Math.PI / 2;
        for (var i = 0; i < 20; i++)
        {
            var next = 2 * Math.Atan(Math.Pow((1 + E * Math.Sin(phi)) / (1 - E * Math.Sin(phi)), E / 2) * Math.Exp(isoLat)) - Math.PI / 2;
            if (Math.Abs(next - phi) < 1e-12) { phi = next; break; }
            phi = next;
        }
        return (RadToDeg(phi), lon);
    }

    /// <summary>UTM metres (zone, hemisphere) → degrees, Snyder's inverse transverse Mercator (USGS PP 1395, §8).</summary>
    public static (double Latitude, double Longitude) FromUtm(double easting, double northing, int zone, bool south)
    {
        const double k0 = 0.9996;
        var x = easting - 500000.0;
        var y = south ? northing - 10000000.0 : northing;
        var lon0 = DegToRad(zone * 6 - 183);
        var ep2 = E2 / (1 - E2);
        var m = y / k0;
        var mu = m / (A * (1 - E2 / 4 - 3 * E2 * E2 / 64 - 5 * E2 * E2 * E2 / 256));
        var e1 = (1 - Math.Sqrt(1 - E2)) / (1 + Math.Sqrt(1 - E2));
        var phi1 = mu + (3 * e1 / 2 - 27 * Math.Pow(e1, 3) / 32) * Math.Sin(2 * mu)
                      + (21 * e1 * e1 / 16 - 55 * Math.Pow(e1, 4) / 32) * Math.Sin(4 * mu)
                      + 151 * Math.Pow(e1, 3) / 96 * Math.Sin(6 * mu)
                      + 1097 * Math.Pow(e1, 4) / 512 * Math.Sin(8 * mu);
        var sin1 = Math.Sin(phi1);
        var cos1 = Math.Cos(phi1);
        var tan1 = Math.Tan(phi1);
        var c1 = ep2 * cos1 * cos1;
        var t1 = tan1 * tan1;
        var n1 = A / Math.Sqrt(1 - E2 * sin1 * sin1);
        var r1 = A * (1 - E2) / Math.Pow(1 - E2 * sin1 * sin1, 1.5);
        var d = x / (n1 * k0);
        var lat = phi1 - n1 * tan1 / r1 * (d * d / 2
            - (5 + 3 * t1 + 10 * c1 - 4 * c1 * c1 - 9 * ep2) * Math.Pow(d, 4) / 24
            + (61 + 90 * t1 + 298 * c1 + 45 * t1 * t1 - 252 * ep2 - 3 * c1 * c1) * Math.Pow(d, 6) / 720);
        var lon = lon0 + (d - (1 + 2 * t1 + c1) * Math.Pow(d, 3) / 6
            + (5 - 2 * c1 + 28 * t1 - 3 * c1 * c1 + 8 * ep2 + 24 * t1 * t1) * Math.Pow(d, 5) / 120) / cos1;
        return (RadToDeg(lat), RadToDeg(lon));
    }

    private static double DegToRad(double d) => d * Math.PI / 180;

    private static double RadToDeg(double r) => r * 180 / Math.PI;
}
