using System.Diagnostics;
using System.Globalization;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Benchmarks;

/// <summary>
/// Memory over a long quiet run: the real host on Kestrel with its dispatcher, lanes and jobs polling as in
/// production, a trickle of screening messages through the Telegram webhook, and every 30 s the managed heap after
/// a full collection, the working set and LiteDB's count of compiled expression texts. A leak shows as a slope:
/// the dispatcher's queries once put the time into the expression text, and LiteDB kept every one.
/// </summary>
public static class SoakBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var minutes = TelegramLoadBenchmark.IntOption(args, "--minutes", 10);
        // --rate 0: no traffic at all, the host only polling (dispatcher, lanes, jobs) as it does on a quiet night.
        var rate = args.Contains("--idle") ? 0 : TelegramLoadBenchmark.IntOption(args, "--rate", 5);
        var memberCount = 50;
        await using var bot = await FakeTelegramServer.StartAsync(TelegramLoadBenchmark.Token, keepCalls: false);
        var dataDir = Path.Combine(Path.GetTempPath(), "jasmine-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        await using var host = TelegramLoadBenchmark.BenchHost.StartTelegram(dataDir, bot.BaseUrl, memberCount);
        using var http = new HttpClient { BaseAddress = new Uri(host.Address) };

        Console.WriteLine($"soak: {minutes} min, {(rate == 0 ? "idle (no messages)" : rate + " screening messages/s through the webhook")}, sampled every 30 s, {Environment.ProcessorCount} cores");
        Console.WriteLine("   min   heap MB   working set MB   store files MB   LiteDB expressions   messages   errors");
        var samples = new List<(double Minute, double Heap, double WorkingSet, int Expressions)>();
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromMinutes(minutes);
        var next = TimeSpan.Zero;
        var seq = 0;
        var errors = 0;
        // Bounded: one message every 1/rate s until the end, never more than rate × the run's seconds.
        var limit = rate * minutes * 60;
        while (clock.Elapsed < end)
        {
            if (clock.Elapsed >= next)
            {
                var heap = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
                var ws = Environment.WorkingSet / 1048576.0;
                var expressions = LiteExpressionCache.Count();
                // LiteDB keeps the pages it has read in managed memory: the heap follows the data file as it grows.
                var files = Directory.GetFiles(dataDir, "*.db").Sum(f => new FileInfo(f).Length) / 1048576.0;
                samples.Add((clock.Elapsed.TotalMinutes, heap, ws, expressions));
                Console.WriteLine($"{clock.Elapsed.TotalMinutes,6:0.0} {heap,9:0.0} {ws,16:0} {files,16:0.0} {expressions,20} {seq,10} {errors,8}");
                next += TimeSpan.FromSeconds(30);
            }
            if (rate > 0 && seq < limit)
            {
                using var request = TelegramLoadBenchmark.WebhookPost(seq, TelegramLoadBenchmark.FirstChat + seq % memberCount, "0612" + seq.ToString("D6", CultureInfo.InvariantCulture));
                seq++;
                try
                {
                    using var response = await http.SendAsync(request);
                    if (!response.IsSuccessStatusCode) errors++;
                }
                catch (HttpRequestException) { errors++; }
            }
            await Task.Delay(rate > 0 ? TimeSpan.FromSeconds(1.0 / rate) : TimeSpan.FromSeconds(1));
        }
        // The first minute warms up (JIT, caches, the first pages read): the slope is taken from then on.
        var steady = samples.Where(s => s.Minute >= 1).ToList();
        if (steady.Count >= 2)
        {
            var (first, last) = (steady[0], steady[^1]);
            var span = last.Minute - first.Minute;
            Console.WriteLine($"after warm-up: heap {first.Heap:0.0} → {last.Heap:0.0} MB ({(last.Heap - first.Heap) / span:+0.00;-0.00} MB/min), " +
                $"working set {first.WorkingSet:0} → {last.WorkingSet:0} MB, LiteDB expressions {first.Expressions} → {last.Expressions} ({(last.Expressions - first.Expressions) / span:0.0}/min); " +
                $"{seq} messages, {errors} errors");
        }
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
    }
}
