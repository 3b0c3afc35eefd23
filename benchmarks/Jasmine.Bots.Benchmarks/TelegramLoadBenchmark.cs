using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Members;
using Jasmine.Bots.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jasmine.Bots.Benchmarks;

/// <summary>
/// Webhook-to-reply latency under load: the real host on Kestrel (127.0.0.1), a fake Bot API answering at once,
/// N members already joined, and screening messages POSTed to /channels/telegram at a fixed rate (open loop, so
/// a slow host shows up as latency instead of silently lowering the rate). Each message screens a different
/// number; the reply quoting it closes its measurement. Load generator, host and fake share one process.
/// </summary>
public static partial class TelegramLoadBenchmark
{
    internal const string Token = "123456:BENCH-token";
    internal const string Secret = "bench_secret";
    internal const long FirstChat = 900_000_000;

    public static async Task RunAsync(string[] args)
    {
        var rate = IntOption(args, "--rate", 1000);
        var seconds = IntOption(args, "--seconds", 60);
        var memberCount = IntOption(args, "--members", 200);
        // Telegram opens at most 40 connections to a webhook by default (setWebhook max_connections).
        var connections = IntOption(args, "--connections", 40);
        var total = rate * seconds;
        // --bare: the same load against a pipeline that only parses the update and sends the reply (no store, no
        // engine, no outbox): what this machine and this harness can do at best, the yardstick for the ratio.
        var bare = args.Contains("--bare");
        var durable = StringOption(args, "--durable", "true") != "false";
        // Tiered compilation needs a while under load before the hot paths run optimised code (the first profile
        // showed instrumented tier-0 code 10 s into a run): that time is not latency a member would see twice.
        // --store postgres [--hosts 2]: hosts sharing one PostgreSQL schema (connection from JASMINE_BENCH_POSTGRES or
        // the CI's /tmp/jasmine-ci/postgres.conn), the webhooks spread over them in turn as a load balancer would.
        var postgres = StringOption(args, "--store", "litedb") == "postgres";
        var hostCount = postgres ? IntOption(args, "--hosts", 2) : 1;
        var connection = postgres ? Environment.GetEnvironmentVariable("JASMINE_BENCH_POSTGRES") is { Length: > 0 } c ? c : File.ReadAllText("/tmp/jasmine-ci/postgres.conn").Trim() : null;
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..10];
        var warmup = int.TryParse(StringOption(args, "--warmup", "10"), CultureInfo.InvariantCulture, out var w) && w >= 0 ? w : 10;

        var sentAt = new long[total];
        var latency = new double[total];
        var replied = new int[total];
        var webhookMs = new ConcurrentQueue<double>();
        var errors = 0;
        var duplicates = 0;

        await using var bot = await FakeTelegramServer.StartAsync(Token, keepCalls: false);
        bot.OnMessage = m =>
        {
            if (m.Text is null || ScreenedNumber().Match(m.Text) is not { Success: true } match) return;
            var seq = int.Parse(match.Groups[1].Value + match.Groups[2].Value + match.Groups[3].Value, CultureInfo.InvariantCulture);
            if (seq >= total) return;
            if (Interlocked.Exchange(ref replied[seq], 1) == 1) { Interlocked.Increment(ref duplicates); return; }
            latency[seq] = Stopwatch.GetElapsedTime(sentAt[seq], m.ReceivedTimestamp).TotalMilliseconds;
        };

        var dataDir = Path.Combine(Path.GetTempPath(), "jasmine-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        string address;
        Func<bool> idle;
        var hostSettings = new Dictionary<string, string?>
        {
            ["Jasmine:Store:Durable"] = durable ? "true" : "false",
            // The fake answers at once and has no limits: our pacing (Telegram's 30/s) would measure Telegram, not us.
            ["Channels:Limits:telegram:PerSecond"] = "1000000",
            ["Channels:Limits:telegram:PerConversationPerSecond"] = "0",
        };
        if (postgres)
        {
            hostSettings["Jasmine:Store:Provider"] = "postgres";
            hostSettings["Jasmine:Store:ConnectionString"] = connection;
            hostSettings["Jasmine:Store:Schema"] = schema;
            // One key for every host: they read each other's documents.
            hostSettings["Jasmine:MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        }
        await using var host = bare ? null : BenchHost.StartTelegram(dataDir, bot.BaseUrl, memberCount, hostSettings);
        var others = new List<BenchHost>();
        for (var h = 1; h < hostCount && host is not null; h++)
            others.Add(BenchHost.StartTelegram(Path.Combine(dataDir, "host" + h), bot.BaseUrl, 0, hostSettings));
        await using var barePipeline = bare ? await BarePipeline.StartAsync(bot.BaseUrl, Token, Secret) : null;
        if (host is not null)
        {
            address = host.Address;
            var dispatchers = new[] { host }.Concat(others).Select(h => h.Services.GetRequiredService<OutboxDispatcher>()).ToList();
            idle = () => dispatchers.All(d => d.IsIdle);
        }
        else
        {
            address = barePipeline!.Address;
            idle = () => barePipeline.IsIdle;
        }

        var clients = new[] { address }.Concat(others.Select(o => o.Address)).Select(a => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(a),
            Timeout = TimeSpan.FromSeconds(30),
        }).ToArray();
        Console.WriteLine($"telegram-load{(bare ? " (bare pipeline)" : durable ? " (durable: fsync per group)" : " (not durable: no fsync)")}: {rate}/s for {seconds} s ({total} messages), {memberCount} members, {connections} webhook connections, {Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, {(bare ? "no store" : postgres ? $"PostgreSQL, {hostCount} hosts on one schema" : "LiteDB")}");
        if (warmup > 0)
        {
            // Other numbers than the measured ones ("+33 6 13 …" is not counted), at a rate the host keeps up with,
            // then drained: the measured run starts on a quiet, warm host.
            var warmRate = Math.Min(rate, 300);
            var warmTotal = warmRate * warmup;
            var warmClock = Stopwatch.StartNew();
            var warming = new List<Task>(warmTotal);
            for (var sent = 0; sent < warmTotal;)
            {
                var due = Math.Min(warmTotal, (int)(warmClock.Elapsed.TotalSeconds * warmRate));
                for (; sent < due; sent++)
                {
                    var request = WebhookPost(5_000_000 + sent, FirstChat + sent % memberCount, "0613" + sent.ToString("D6", CultureInfo.InvariantCulture));
                    warming.Add(clients[sent % clients.Length].SendAsync(request).ContinueWith(t => { request.Dispose(); if (t.IsCompletedSuccessfully) t.Result.Dispose(); }, TaskScheduler.Default));
                }
                await Task.Delay(1);
            }
            await Task.WhenAll(warming);
            var settle = Stopwatch.StartNew();
            while (!idle() && settle.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);
            GC.Collect();
            Console.WriteLine($"warm-up        {warmTotal,8} messages at {warmRate}/s, then drained ({warmClock.Elapsed.TotalSeconds:0.0} s); not measured");
        }
        var memoryBefore = Environment.WorkingSet;
        var sharedBefore = host?.Services.GetRequiredService<Storage.JasmineStore>().SharedStats ?? default;

        var transactionsBefore = host?.Services.GetRequiredService<Storage.JasmineStore>().TransactionStats ?? default;
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>(total);
        var next = 0;
        var peakWorkingSet = 0L;
        while (next < total)
        {
            var due = Math.Min(total, (int)(clock.Elapsed.TotalSeconds * rate));
            for (; next < due; next++) inFlight.Add(PostAsync(next));
            if (next % 1000 < 50) peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
            await Task.Delay(1);
        }
        var sendingTook = clock.Elapsed;
        await Task.WhenAll(inFlight);
        var drain = Stopwatch.StartNew();
        while ((replied.Sum() < total - errors || !idle()) && drain.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);
        var allDone = clock.Elapsed;
        peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;

        var answered = Enumerable.Range(0, total).Where(i => replied[i] == 1).Select(i => latency[i]).Order().ToArray();
        var posts = webhookMs.Order().ToArray();
        Console.WriteLine($"offered        {total / sendingTook.TotalSeconds,8:0} msg/s over {sendingTook.TotalSeconds:0.0} s");
        Console.WriteLine($"answered       {answered.Length,8} of {total} ({answered.Length / allDone.TotalSeconds:0} replies/s end to end, {allDone.TotalSeconds:0.0} s incl. drain)");
        Console.WriteLine($"webhook errors {errors,8}   duplicate replies {duplicates}   unanswered {total - answered.Length}");
        Console.WriteLine($"webhook POST   p50 {P(posts, 0.50),7:0.0} ms   p99 {P(posts, 0.99),7:0.0} ms   max {P(posts, 1),7:0.0} ms");
        Console.WriteLine($"POST → reply   p50 {P(answered, 0.50),7:0.0} ms   p99 {P(answered, 0.99),7:0.0} ms   max {P(answered, 1),7:0.0} ms");
        // Less sensitive to a busy machine than the latencies: what one message costs this process (host, fake and load generator).
        Console.WriteLine($"CPU            {cpu.TotalMilliseconds / Math.Max(1, answered.Length),8:0.00} ms per reply (whole process), {cpu.TotalSeconds / allDone.TotalSeconds:0.00} cores busy on average");
        if (host?.Services.GetRequiredService<Storage.JasmineStore>().TransactionStats is { } transactions)
        {
            // Transactions run one at a time: held close to 100 % of the run, they are what bounds the throughput.
            var held = transactions.Held - transactionsBefore.Held;
            var committing = transactions.Committing - transactionsBefore.Committing;
            Console.WriteLine($"store lock     {transactions.Count - transactionsBefore.Count,8} transactions held it {held.TotalMilliseconds / Math.Max(1, answered.Length):0.00} ms per reply ({committing.TotalMilliseconds / Math.Max(1, answered.Length):0.00} ms of it in LiteDB's Commit), {held / allDone:P0} of the run");
        }
        if (host?.Services.GetRequiredService<Storage.JasmineStore>().SharedStats is { Commits: > 0 } shared)
        {
            var (commits, turns) = (shared.Commits - sharedBefore.Commits, shared.Turns - sharedBefore.Turns);
            Console.WriteLine($"turn commits   {commits,8} shared commits carried {turns} turns ({(double)turns / Math.Max(1, commits):0.0} turns per commit)");
        }
        if (host?.Services.GetRequiredService<OutboxStore>().SentCommits is { } sentCommits)
            Console.WriteLine($"sent side      {sentCommits,8} commits ({(double)answered.Length / Math.Max(1, sentCommits):0.0} sends per commit)");
        if (host?.Services.GetRequiredService<Storage.JasmineStore>().Durability is { Enabled: true } durability)
            Console.WriteLine($"fsync          {durability.Flushes,8} group fsyncs ({(double)answered.Length / Math.Max(1, durability.Flushes):0.0} replies per fsync)");
        Console.WriteLine($"memory         working set {memoryBefore / 1048576} MB before, {peakWorkingSet / 1048576} MB peak; GC heap {GC.GetTotalMemory(false) / 1048576} MB; gen2 collections {GC.CollectionCount(2)}");
        foreach (var other in others) await other.DisposeAsync();
        foreach (var client in clients) client.Dispose();
        if (postgres)
        {
            await using var cleanup = new Npgsql.NpgsqlConnection(connection);
            await cleanup.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", cleanup);
            await drop.ExecuteNonQueryAsync();
        }
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }

        async Task PostAsync(int seq)
        {
            using var request = WebhookPost(seq, FirstChat + seq % memberCount, "0612" + seq.ToString("D6", CultureInfo.InvariantCulture));
            sentAt[seq] = Stopwatch.GetTimestamp();
            try
            {
                using var response = await clients[seq % clients.Length].SendAsync(request);
                webhookMs.Enqueue(Stopwatch.GetElapsedTime(sentAt[seq]).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref errors);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref errors);
            }
        }
    }

    /// <summary>One Telegram update carrying a text message, as Telegram POSTs it to our webhook (with its secret).</summary>
    internal static HttpRequestMessage WebhookPost(int seq, long chat, string text)
    {
        var update = new JsonObject
        {
            ["update_id"] = 1_000_000 + seq,
            ["message"] = new JsonObject
            {
                ["message_id"] = seq + 1,
                ["from"] = new JsonObject { ["id"] = chat, ["is_bot"] = false, ["first_name"] = "M" },
                ["chat"] = new JsonObject { ["id"] = chat, ["type"] = "private", ["first_name"] = "M" },
                ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["text"] = text,
            },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/channels/telegram") { Content = new StringContent(update.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", Secret);
        return request;
    }

    internal static double P(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1 < 0 ? 0 : (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static string StringOption(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    internal static int IntOption(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) && value > 0 ? value : fallback;
    }

    // "+33 6 12 00 01 23: not signaled…" → 000123
    [GeneratedRegex(@"\+33 6 12 (\d\d) (\d\d) (\d\d)")]
    private static partial Regex ScreenedNumber();

    /// <summary>
    /// The least a webhook can do: check the secret, parse the update, answer 200, send the reply to the Bot API
    /// (after the answer, as the outbox does). Same Kestrel, same JSON, same fake, same load generator.
    /// </summary>
    internal sealed class BarePipeline : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _bot;
        private int _sending;

        private BarePipeline(WebApplication app, HttpClient bot)
        {
            _app = app;
            _bot = bot;
        }

        public string Address => _app.Urls.First();
        public bool IsIdle => Volatile.Read(ref _sending) == 0;

        public static async Task<BarePipeline> StartAsync(string botBaseUrl, string token, string secret)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var bot = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = new Uri(botBaseUrl + "/bot" + token + "/") };
            var pipeline = new BarePipeline(app, bot);
            app.MapPost("/channels/telegram", async (HttpContext context) =>
            {
                if (context.Request.Headers["X-Telegram-Bot-Api-Secret-Token"].ToString() != secret) return Results.Unauthorized();
                var update = await JsonNode.ParseAsync(context.Request.Body);
                var chat = update!["message"]!["chat"]!["id"]!.GetValue<long>();
                var text = update["message"]!["text"]!.GetValue<string>();
                // "0612001234" → "+33 6 12 00 12 34: …", what the real reply quotes.
                var reply = $"+33 6 {text[2..4]} {text[4..6]} {text[6..8]} {text[8..10]}: not signaled";
                Interlocked.Increment(ref pipeline._sending);
                _ = pipeline.SendAsync(chat, reply);
                return Results.Ok();
            });
            await app.StartAsync();
            return pipeline;
        }

        private async Task SendAsync(long chat, string text)
        {
            try
            {
                var body = new JsonObject { ["chat_id"] = chat, ["text"] = text }.ToJsonString();
                using var response = await _bot.PostAsync("sendMessage", new StringContent(body, Encoding.UTF8, "application/json"));
            }
            catch (HttpRequestException) { }
            finally { Interlocked.Decrement(ref _sending); }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.DisposeAsync();
            _bot.Dispose();
        }
    }

    /// <summary>The production composition (Program) with benchmark settings, served by Kestrel.</summary>
    internal sealed class BenchHost(Dictionary<string, string?> settings) : WebApplicationFactory<JasmineOptions> // any type of the host assembly: its Program is shadowed by ours
    {
        /// <summary>Where Kestrel listens, once <see cref="StartTelegram"/> has started it.</summary>
        public string Address { get; private set; } = "";

        /// <summary>
        /// The host on Kestrel (127.0.0.1) with its Telegram channel pointed at the fake Bot API, look-ups unlimited,
        /// logs at warning, and <paramref name="members"/> members already joined on Telegram.
        /// </summary>
        public static BenchHost StartTelegram(string dataDir, string botBaseUrl, int members, Dictionary<string, string?>? extra = null)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Jasmine:DataDirectory"] = dataDir,
                ["Jasmine:Screening:PerHour"] = "1000000",
                // Each benchmark member heads a referral branch of her own: its allowance (240) would refuse look-ups
                // after 240 messages per member, and a refusal carries no number for the benchmark to count.
                ["Jasmine:Screening:PerBranchPerHour"] = "1000000",
                ["Telegram:BotToken"] = Token,
                ["Telegram:ApiBaseUrl"] = botBaseUrl,
                ["Telegram:SecretToken"] = Secret,
                ["Logging:LogLevel:Default"] = "Warning",
            };
            foreach (var (key, value) in extra ?? []) settings[key] = value;
            var host = new BenchHost(settings);
            host.UseKestrel(0);
            host.StartServer();
            host.Address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var service = host.Services.GetRequiredService<MemberService>();
            for (var i = 0; i < members; i++)
                service.Join(service.CreateInvite(null, MemberRole.Member), Urns.Telegram(FirstChat + i), new NewMember("Member" + i, "en", "75", MemberRole.Member, null));
            return host;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Benchmark");
            // Flows and locales are copied beside the binary; there is no project folder to find from here.
            builder.UseContentRoot(AppContext.BaseDirectory);
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        }
    }
}
