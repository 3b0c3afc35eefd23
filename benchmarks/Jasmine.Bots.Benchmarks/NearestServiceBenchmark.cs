using System.Diagnostics;
using Jasmine.Bots.Places;

namespace Jasmine.Bots.Benchmarks;

/// <summary>
/// End-to-end "nearest support service" cost: what a member types (postcode or town) resolved by the full embedded
/// gazetteer, then the nearest services of a kind among 10,000 spread over France. Plain Stopwatch timing rather than
/// BenchmarkDotNet because the figure wanted is a latency distribution per query, not a mean.
/// </summary>
public static class NearestServiceBenchmark
{
    private const int ServiceCount = 10_000;
    private const int QueryCount = 10_000;

    public static void Run()
    {
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var load = Stopwatch.StartNew();
        var gazetteer = Gazetteer.LoadEmbedded();
        load.Stop();
        var gazetteerBytes = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;

        var random = new Random(2026);
        var communes = Enumerable.Range(0, 100_000)
            .Select(n => gazetteer.Resolve(n.ToString("D5")))
            .Where(r => r.Count > 0)
            .SelectMany(r => r)
            .DistinctBy(p => p.InseeCode)
            .ToArray();

        string[] hours = ["24/7", "Mo-Fr 09:00-17:00", "Mo-Fr 09:00-12:30,14:00-18:00; Sa 10:00-13:00", "Tu,Th 14:00-20:00", ""];
        var kinds = Enum.GetValues<ServiceKind>();
        // Services sit where people live: a commune drawn with probability growing with its population, jittered by ~2 km.
        var weighted = communes.Where(c => c.Population > 2000).ToArray();
        var services = Enumerable.Range(0, ServiceCount).Select(i =>
        {
            var c = weighted[random.Next(weighted.Length)];
            return new SupportService($"s{i}", kinds[random.Next(kinds.Length)], $"Service {i}", "", c.Postcode, c.Name,
                c.Latitude + (random.NextDouble() - 0.5) * 0.04, c.Longitude + (random.NextDouble() - 0.5) * 0.04,
                "", hours[random.Next(hours.Length)], ["fr"], random.Next(2) == 0, Hidden: random.Next(20) == 0);
        }).ToList();

        var build = Stopwatch.StartNew();
        var directory = new SupportDirectory(services);
        build.Stop();

        // Half postcodes, half town names typed casually (lower case, no accents sometimes, "st" for "saint").
        var queries = Enumerable.Range(0, QueryCount).Select(_ =>
        {
            var c = communes[random.Next(communes.Length)];
            return random.Next(4) switch
            {
                0 or 1 => c.Postcode,
                2 => c.Name.ToLowerInvariant().Replace("saint-", "st "),
                _ => c.Name.ToUpperInvariant().Replace('-', ' '),
            };
        }).ToArray();
        var now = new DateTime(2026, 3, 10, 18, 30, 0);

        for (var i = 0; i < 500; i++) Query(gazetteer, directory, queries[i], kinds[i % kinds.Length], now); // warm-up

        var latencies = new double[QueryCount];
        var resolved = 0;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < QueryCount; i++)
        {
            var start = Stopwatch.GetTimestamp();
            if (Query(gazetteer, directory, queries[i], kinds[i % kinds.Length], now)) resolved++;
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        total.Stop();

        var nearestOnly = new double[QueryCount];
        for (var i = 0; i < QueryCount; i++)
        {
            var c = communes[random.Next(communes.Length)];
            var start = Stopwatch.GetTimestamp();
            directory.Nearest(c.Latitude, c.Longitude, kinds[i % kinds.Length], now);
            nearestOnly[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(latencies);
        Array.Sort(nearestOnly);
        Console.WriteLine($"gazetteer: {gazetteer.Count} places, loaded in {load.Elapsed.TotalMilliseconds:F0} ms, ~{gazetteerBytes / 1048576.0:F1} MB managed heap");
        Console.WriteLine($"directory: {ServiceCount} services indexed in {build.Elapsed.TotalMilliseconds:F0} ms");
        Console.WriteLine($"resolve + nearest: {QueryCount} queries ({resolved} resolved) in {total.Elapsed.TotalMilliseconds:F0} ms = {QueryCount / total.Elapsed.TotalSeconds:F0} queries/s");
        Console.WriteLine($"  latency p50 {Percentile(latencies, 0.50):F3} ms, p99 {Percentile(latencies, 0.99):F3} ms, max {latencies[^1]:F3} ms");
        Console.WriteLine($"nearest alone: p50 {Percentile(nearestOnly, 0.50):F3} ms, p99 {Percentile(nearestOnly, 0.99):F3} ms");
        Console.WriteLine($"memory: managed heap {GC.GetTotalMemory(false) / 1048576.0:F1} MB, working set {Environment.WorkingSet / 1048576.0:F1} MB");
    }

    private static bool Query(Gazetteer gazetteer, SupportDirectory directory, string text, ServiceKind kind, DateTime now)
    {
        var places = gazetteer.Resolve(text);
        if (places.Count == 0) return false;
        directory.Nearest(places[0].Latitude, places[0].Longitude, kind, now);
        return true;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
