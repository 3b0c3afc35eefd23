using System.Diagnostics;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Screening;
using Jasmine.Bots.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Jasmine.Bots.Benchmarks;

/// <summary>
/// Issue 2's figures: a store with N identifiers (default 1,000,000), then screening look-ups in-process —
/// throughput, p50/p99 latency, index load time and memory. The store is kept in --data-dir between runs.
/// </summary>
public static class ScreeningBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var identifiers = Arg(args, "--identifiers", 1_000_000);
        var lookups = Arg(args, "--lookups", 400_000);
        var dataDir = ArgText(args, "--data-dir") ?? Path.Combine(Path.GetTempPath(), $"jasmine-bench-screening-{identifiers}");
        Directory.CreateDirectory(dataDir);

        var builder = WebApplication.CreateBuilder(["--data-dir", dataDir, "--Jasmine:MasterKey", MasterKey]);
        builder.Logging.ClearProviders();
        builder.AddJasmineStore();
        var app = builder.Build();
        var store = app.Services.GetRequiredService<JasmineStore>();
        var profiles = app.Services.GetRequiredService<ProfileService>();

        // A store filled by an older layout (index documents without the summary) is filled again.
        var existing = store.IdentifierIndex.Count(d => d.CategoryMask > 0);
        if (existing < identifiers) Fill(store, profiles, existing, identifiers);
        await app.DisposeAsync();

        // Measured in a fresh process on the filled store, as a host after a restart: the filling's memory must
        // not count, and the process's peak working set is then the host's own.
        var child = Process.Start(new ProcessStartInfo("dotnet", [typeof(ScreeningBenchmark).Assembly.Location, "screening-run", "--data-dir", dataDir, "--identifiers", identifiers.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lookups", lookups.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        await child.WaitForExitAsync();
    }

    /// <summary>The measuring half, in its own process.</summary>
    public static async Task MeasureAsync(string[] args)
    {
        var identifiers = Arg(args, "--identifiers", 1_000_000);
        var lookups = Arg(args, "--lookups", 400_000);
        var dataDir = ArgText(args, "--data-dir")!;
        var fileMb = new FileInfo(Path.Combine(dataDir, "jasmine.db")).Length / 1e6;
        var beforeOpen = Process.GetCurrentProcess().WorkingSet64;
        var builder = WebApplication.CreateBuilder(["--data-dir", dataDir, "--Jasmine:MasterKey", MasterKey]);
        builder.Logging.ClearProviders();
        builder.AddJasmineStore();
        await using var host = builder.Build();
        var load = Stopwatch.StartNew();
        // The start-up peak (issue 19: under 300 MB at 1M identifiers) is the high-water mark of the resident set
        // while the store is opened (the screening scan runs in its constructor) and the index is built from it.
        _ = host.Services.GetRequiredService<JasmineStore>();
        var scanPeak = PeakRssMb();
        var scanned = load.Elapsed;
        var peakReset = ResetPeak();
        var index = host.Services.GetRequiredService<ScreeningIndex>();
        load.Stop();
        var startupPeak = Math.Max(scanPeak, PeakRssMb());
        Console.WriteLine($"start-up peak RSS: {startupPeak:0} MB (VmHWM; GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}); " +
            $"reading the store {scanPeak:0} MB in {scanned.TotalSeconds:0.0} s, then building the index " + (peakReset ? $"{PeakRssMb():0} MB" : "(peak not resettable here)"));
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, true, true);
        var afterLoad = Process.GetCurrentProcess().WorkingSet64;
        Console.WriteLine("after index build: " + Rss());

        var screening = host.Services.GetRequiredService<ScreeningService>();
        var random = new Random(42);
        var inputs = Enumerable.Range(0, lookups).Select(i =>
        {
            // One in ten is a known identifier, the rest are numbers nobody reported (the common case).
            var n = i % 10 == 0 ? random.Next(identifiers) : identifiers + random.Next(50_000_000);
            return new Identifier(IdentifierKind.Phone, Phone(n));
        }).ToArray();

        foreach (var id in inputs.Take(20_000)) screening.Screen(id);   // warm-up (JIT, caches)

        var single = Measure(screening, inputs, threads: 1);
        var parallel = Measure(screening, inputs, threads: Environment.ProcessorCount);
        var process = Process.GetCurrentProcess();
        process.Refresh();

        Console.WriteLine($"store: {identifiers:N0} identifiers, {fileMb:0} MB file; index loaded in {load.Elapsed.TotalSeconds:0.0} s ({index.Count:N0} entries)");
        Console.WriteLine($"1 thread : {single.PerSecond:N0} look-ups/s, p50 {single.P50:0.000} ms, p99 {single.P99:0.000} ms, max {single.Max:0.000} ms");
        Console.WriteLine($"{Environment.ProcessorCount} threads: {parallel.PerSecond:N0} look-ups/s, p50 {parallel.P50:0.000} ms, p99 {parallel.P99:0.000} ms, max {parallel.Max:0.000} ms");
        Console.WriteLine("after look-ups: " + Rss());
        Console.WriteLine($"memory: working set before opening the store {beforeOpen / 1e6:0} MB, after (index built) {afterLoad / 1e6:0} MB, after the look-ups {process.WorkingSet64 / 1e6:0} MB, managed heap {GC.GetTotalMemory(false) / 1e6:0} MB");
    }

    /// <summary>The process's resident high-water mark (VmHWM), in MB; the peak working set where /proc is missing.</summary>
    private static double PeakRssMb()
    {
        if (!File.Exists("/proc/self/status")) return Process.GetCurrentProcess().PeakWorkingSet64 / 1e6;
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024 / 1e6;
    }

    /// <summary>Linux resets VmHWM to the current resident set when "5" is written to clear_refs: the peak of one phase.</summary>
    private static bool ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>Resident memory split as Linux reports it: anonymous (the process's own) and file pages.</summary>
    private static string Rss() => File.Exists("/proc/self/status")
        ? string.Join(", ", File.ReadLines("/proc/self/status").Where(l => l.StartsWith("Rss", StringComparison.Ordinal) || l.StartsWith("VmHWM", StringComparison.Ordinal)).Select(l => string.Join(' ', l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))))
        : "n/a";

    private static readonly string MasterKey = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 1)).ToArray());

    private static string Phone(int n) => "+3361" + n.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)[..8];

    private static void Fill(JasmineStore store, ProfileService profiles, int from, int count)
    {
        Console.WriteLine($"filling the store from {from:N0} to {count:N0} identifiers (once; kept for the next runs)…");
        var sw = Stopwatch.StartNew();
        var now = DateTime.UtcNow;
        const int batch = 20_000;
        for (var start = from; start < count; start += batch)
        {
            var profileDocs = new List<ProfileDoc>(batch);
            var indexDocs = new List<IdentifierIndexDoc>(batch);
            for (var i = start; i < Math.Min(count, start + batch); i++)
            {
                var id = profiles.Protect(new Identifier(IdentifierKind.Phone, Phone(i)));
                var classification = (i % 50) switch { 0 => Classification.VeryDangerous, 1 => Classification.Risky, 2 => Classification.Annoying, _ => Classification.Pending };
                var profile = new ProfileDoc
                {
                    Id = Guid.NewGuid().ToString("N"),
                    Classification = classification,
                    Identifiers = [id],
                    Categories = [ReportCategories.All[i % ReportCategories.All.Count]],
                    CreatedAt = now,
                    LastReportAt = now.AddDays(-(i % 400)),
                    ReportCount = 1,
                };
                profileDocs.Add(profile);
                var summary = ProfileSummary.Of(profile);
                indexDocs.Add(new IdentifierIndexDoc { Id = id.Hash, ProfileId = profile.Id, Classification = summary.Classification, CategoryMask = summary.CategoryMask, LastReportAt = summary.LastReportAt });
            }
            store.Profiles.InsertBulk(profileDocs);
            store.IdentifierIndex.InsertBulk(indexDocs);
            if ((start / batch) % 10 == 0) Console.WriteLine($"  {start + profileDocs.Count:N0} in {sw.Elapsed.TotalSeconds:0} s");
        }
        store.Checkpoint();
        Console.WriteLine($"filled in {sw.Elapsed.TotalSeconds:0} s");
    }

    private sealed record Result(double PerSecond, double P50, double P99, double Max);

    private static Result Measure(ScreeningService screening, Identifier[] inputs, int threads)
    {
        var latencies = new double[inputs.Length];
        var total = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (var i = t; i < inputs.Length; i += threads)
            {
                var start = Stopwatch.GetTimestamp();
                screening.Screen(inputs[i]);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        });
        total.Stop();
        Array.Sort(latencies);
        return new Result(inputs.Length / total.Elapsed.TotalSeconds, latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)], latencies[^1]);
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }

    private static string? ArgText(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
