using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Federation;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Screening;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Jasmine.Bots.Benchmarks;

/// <summary>
/// Issue 18's figure: the cost of one federated look-up (blind, signed request over loopback HTTP to a real
/// partner host, its evaluation, the signed answer checked, unblinding, list check), medians, beside a local one.
/// Two production compositions on Kestrel, each with its own store and keys, in this process.
/// </summary>
public static class FederationBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var lookups = Arg(args, "--lookups", 2_000);
        var dangerous = Arg(args, "--dangerous", 10_000);
        var partnerSeed = RandomNumberGenerator.GetBytes(32);
        var ourSeed = RandomNumberGenerator.GetBytes(32);
        string Key(byte[] seed) => Convert.ToBase64String(Ed25519Key.FromSeed(seed).PublicKey);

        await using var partner = Host(new()
        {
            ["Jasmine:Federation:SigningKey"] = Convert.ToBase64String(partnerSeed),
            ["Jasmine:Federation:Partners:0:Id"] = "us",
            ["Jasmine:Federation:Partners:0:Country"] = "FR",
            ["Jasmine:Federation:Partners:0:PublicKey"] = Key(ourSeed),
            ["Jasmine:Federation:Partners:0:DailyQuota"] = "100000000",
        });
        var partnerUrl = partner.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var partnerProfiles = partner.Services.GetRequiredService<ProfileService>();
        for (var i = 0; i < dangerous; i++) partnerProfiles.Classify(new Identifier(IdentifierKind.Phone, Phone(i)), Classification.VeryDangerous, "benchmark");

        await using var us = Host(new()
        {
            ["Jasmine:Federation:SigningKey"] = Convert.ToBase64String(ourSeed),
            ["Jasmine:Federation:Partners:0:Id"] = "be",
            ["Jasmine:Federation:Partners:0:Country"] = "BE",
            ["Jasmine:Federation:Partners:0:BaseUrl"] = partnerUrl,
            ["Jasmine:Federation:Partners:0:PublicKey"] = Key(partnerSeed),
        });
        us.Services.GetRequiredService<ProfileService>().Classify(new Identifier(IdentifierKind.Phone, "+33700000001"), Classification.VeryDangerous, "benchmark");
        var screening = us.Services.GetRequiredService<ScreeningService>();
        var client = us.Services.GetRequiredService<FederationClient>();

        Console.WriteLine($"federation: {lookups} look-ups each, partner list of {dangerous} pseudonyms, loopback HTTP ({partnerUrl}), {Environment.ProcessorCount} cores");
        var fetch = Stopwatch.StartNew();
        await client.RefreshAsync(CancellationToken.None);
        Console.WriteLine($"  partner list fetched and checked once: {fetch.Elapsed.TotalMilliseconds:0.0} ms (hourly job)");

        // Warm-up: JIT, connection pool, caches.
        for (var i = 0; i < 200; i++)
        {
            screening.Screen(new Identifier(IdentifierKind.Phone, "+33700000001"));
            await client.LookupAsync(new Identifier(IdentifierKind.Phone, Phone(i)), CancellationToken.None);
        }

        var local = Time(lookups, _ => screening.Screen(new Identifier(IdentifierKind.Phone, "+33700000001")));
        var hits = 0;
        var federated = Time(lookups, i =>
        {
            // Half are in the partner's list, half are not: the cost is the same either way (one evaluation).
            var id = new Identifier(IdentifierKind.Phone, i % 2 == 0 ? Phone(i % dangerous) : Phone(50_000_000 + i));
            if (screening.Screen(id).ReportedByPartner is not null) hits++;
        });
        var protocol = Time(lookups, i => client.LookupAsync(new Identifier(IdentifierKind.Phone, Phone(i % dangerous)), CancellationToken.None).GetAwaiter().GetResult());

        var key = Oprf.DeriveKey(RandomNumberGenerator.GetBytes(32), "bench"u8);
        var input = Encoding.UTF8.GetBytes("tel:+33612345678");
        var blinded = Oprf.Blind(input);
        var evaluated = Oprf.BlindEvaluate(key, blinded.BlindedElement);
        var blind = Time(lookups, _ => Oprf.Blind(input));
        var evaluate = Time(lookups, _ => Oprf.BlindEvaluate(key, blinded.BlindedElement));
        var finalize = Time(lookups, _ => Oprf.Finalize(input, blinded.Blind, evaluated));

        Console.WriteLine($"  local look-up (known here)                 median {local.Median,8:0.000} ms   p90 {local.P90,8:0.000} ms");
        Console.WriteLine($"  federated look-up (unknown here, asked)    median {federated.Median,8:0.000} ms   p90 {federated.P90,8:0.000} ms   ({hits} hits of {lookups})   target < 5 ms");
        Console.WriteLine($"    of which the protocol with one partner   median {protocol.Median,8:0.000} ms   p90 {protocol.P90,8:0.000} ms");
        Console.WriteLine($"    OPRF Blind / BlindEvaluate / Finalize    median {blind.Median:0.000} / {evaluate.Median:0.000} / {finalize.Median:0.000} ms");
    }

    private static TelegramLoadBenchmark.BenchHost Host(Dictionary<string, string?> settings)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "jasmine-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        settings["Jasmine:DataDirectory"] = dataDir;
        settings["Jasmine:Screening:PerHour"] = "100000000";
        settings["Logging:LogLevel:Default"] = "Warning";
        var host = new TelegramLoadBenchmark.BenchHost(settings);
        host.UseKestrel(0);
        host.StartServer();
        return host;
    }

    private readonly record struct Figures(double Median, double P90);

    private static Figures Time(int count, Action<int> work)
    {
        var ms = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            work(i);
            ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(ms);
        return new Figures(ms[count / 2], ms[count * 9 / 10]);
    }

    private static string Phone(int n) => "+3361" + n.ToString("D8", CultureInfo.InvariantCulture)[..8];

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}
