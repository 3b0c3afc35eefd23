using System.Security.Cryptography;
using Hangfire;
using Jasmine.Bots.Admin;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Federation;

public static class FederationExtensions
{
    /// <summary>Federation with partner alert systems (docs/federation.md). Nothing is asked or answered without partners.</summary>
    public static IHostApplicationBuilder AddFederation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FederationOptions>().Bind(builder.Configuration.GetSection(FederationOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FederationOptions>, FederationOptionsValidator>();
        builder.Services.AddSingleton<FederationKeys>();
        builder.Services.AddSingleton<FederationPublisher>();
        builder.Services.AddSingleton<IClassificationListener>(sp => sp.GetRequiredService<FederationPublisher>());
        builder.Services.AddSingleton<FederationServer>();
        builder.Services.AddSingleton<FederationClient>();
        builder.Services.AddSingleton<Conversations.ITurnPrefetch, FederationPrefetch>();
        builder.Services.AddSingleton<FederatedMatches>();
        builder.Services.AddTransient<FederationJob>();
        builder.Services.AddSingleton<IAdminCommand, FederationCommand>();
        // Partners' answers are small; the client's own timeout is the turn's (Jasmine:Federation:Timeout).
        builder.Services.AddHttpClient(FederationClient.HttpClientName, http => http.MaxResponseContentBufferSize = 64 * 1024 * 1024)
            .RemoveAllLoggers();
        builder.Services.AddHostedService<FederationSchedule>();
        return builder;
    }

    public static IEndpointRouteBuilder MapFederation(this IEndpointRouteBuilder app)
    {
        app.MapGet(FederationWire.ListPath, (HttpContext http, FederationServer server, CancellationToken ct) => server.ListAsync(http, ct));
        app.MapPost(FederationWire.EvaluatePath, (HttpContext http, FederationServer server, CancellationToken ct) => server.EvaluateAsync(http, ct));
        return app;
    }

    private sealed class FederationSchedule(IRecurringJobManager recurring, IOptions<FederationOptions> options, FederationClient client, ILogger<FederationSchedule> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            // Requests and answers are signed either way, but plain HTTP shows a partner's traffic pattern to the network.
            foreach (var p in options.Value.Partners)
                if (p.BaseUrl is { Length: > 0 } url && new Uri(url) is { Scheme: "http", IsLoopback: false })
                    logger.LogWarning("Federation: partner {Partner} is reached over plain HTTP; use https", p.Id);
            if (options.Value.Partners.Count > 0) recurring.AddOrUpdate<FederationJob>(FederationJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Hourly());
            else recurring.RemoveIfExists(FederationJob.Id);
            // Partners' lists are fetched in the background at start, so the first screening need not wait for them.
            if (client.Enabled) _ = Task.Run(() => client.RefreshAsync(CancellationToken.None), CancellationToken.None);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>Start fails with the one line naming the bad setting.</summary>
internal sealed class FederationOptionsValidator : IValidateOptions<FederationOptions>
{
    public ValidateOptionsResult Validate(string? name, FederationOptions options) =>
        FederationOptionsValidation.Problem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}

/// <summary>Hourly: our lists rebuilt, partners' lists fetched again.</summary>
public sealed class FederationJob(FederationPublisher publisher, FederationClient client)
{
    public const string Id = "federation-lists";

    public async Task RunAsync(CancellationToken ct)
    {
        publisher.Rebuild();
        await client.RefreshAsync(ct);
    }
}

/// <summary><c>federation key | new-key | check | status</c>: what an admin needs to set up a partnership.</summary>
public sealed class FederationCommand(IServiceProvider services) : IAdminCommand
{
    public string Name => "federation";
    public string Usage => "federation key | new-key | check | status   our public key to give partners, a fresh signing seed, the settings, today's counts";

    public Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        switch (args.Count > 0 ? args[0] : "")
        {
            case "key":
                output.WriteLine(services.GetRequiredService<FederationKeys>().PublicKey);
                return Task.FromResult(0);
            case "new-key":
                // A seed for Jasmine:Federation:SigningKey (a secret: into the secret store, never into appsettings.json).
                var seed = RandomNumberGenerator.GetBytes(32);
                output.WriteLine($"Jasmine:Federation:SigningKey = {Convert.ToBase64String(seed)}");
                output.WriteLine($"public key for partners      = {Convert.ToBase64String(Ed25519Key.FromSeed(seed).PublicKey)}");
                return Task.FromResult(0);
            case "check":
                var problem = FederationOptionsValidation.Problem(services.GetRequiredService<IOptionsMonitor<FederationOptions>>().CurrentValue);
                output.WriteLine(problem ?? "Jasmine:Federation is valid.");
                return Task.FromResult(problem is null ? 0 : 1);
            case "status":
                var o = services.GetRequiredService<IOptions<FederationOptions>>().Value;
                var store = services.GetRequiredService<Storage.JasmineStore>();
                var day = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                output.WriteLine($"our public key: {services.GetRequiredService<FederationKeys>().PublicKey}");
                if (o.Partners.Count == 0) output.WriteLine("no partners configured");
                foreach (var p in o.Partners)
                    output.WriteLine($"{p.Id} ({p.Country}): shares {string.Join(",", p.SharedKinds)}, asked today {store.Counters.FindById($"federation.evaluations:{p.Id}:{day}")?.Count ?? 0}/{p.DailyQuota}, {(string.IsNullOrEmpty(p.BaseUrl) ? "not asked by us" : "asked by us")}");
                return Task.FromResult(0);
            default:
                output.WriteLine("usage: " + Usage);
                return Task.FromResult(2);
        }
    }
}
