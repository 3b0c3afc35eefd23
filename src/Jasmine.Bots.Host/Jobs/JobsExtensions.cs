using Hangfire;
using Hangfire.InMemory;

namespace Jasmine.Bots.Jobs;

public sealed class JobsOptions
{
    public const string Section = "Jasmine:Jobs";
    /// <summary>"memory" (embedded default, one host) or "postgres" (several hosts share the work).</summary>
    public string Storage { get; set; } = "memory";
    public string? ConnectionString { get; set; }
    public int Workers { get; set; } = 4;
    /// <summary>Database schema of the postgres storage (hosts that share work share it; tests use their own).</summary>
    public string Schema { get; set; } = "jasmine_jobs";
    /// <summary>
    /// false: this host enqueues but runs no jobs (postgres only: another host's server runs them). In the
    /// memory storage nobody else would, so it is refused there.
    /// </summary>
    public bool Server { get; set; } = true;
}

public static class JobsExtensions
{
    /// <summary>
    /// Hangfire in-process. Its storage is registered in DI (not the static JobStorage.Current) so that each host
    /// owns its queue. Durability does not rest on it in the embedded default: cases, fan-outs and the outbox are
    /// recorded in the store first and re-enqueued at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobsOptions>().Bind(builder.Configuration.GetSection(JobsOptions.Section))
            .Validate(o => o.Storage is "memory" or "postgres", "Jasmine:Jobs:Storage must be 'memory' or 'postgres'.")
            .Validate(o => o.Storage != "postgres" || !string.IsNullOrWhiteSpace(o.ConnectionString), "Jasmine:Jobs:ConnectionString is required for postgres.")
            .Validate(o => o.Server || o.Storage == "postgres", "Jasmine:Jobs:Server=false needs the postgres storage: with memory nobody would run the jobs.")
            .ValidateOnStart();
        builder.Services.AddSingleton<JobStorage>(sp =>
        {
            var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<JobsOptions>>().Value;
            return options.Storage == "postgres"
                ? PostgresJobStorage.Create(options.ConnectionString!, options.Schema)
                : new InMemoryStorage(new InMemoryStorageOptions { IdType = InMemoryStorageIdType.Long });
        });
        builder.Services.AddSingleton<FailedJobsFilter>();
        builder.Services.AddHangfire((sp, config) =>
        {
            HangfireLogs.Instance.Use(sp.GetRequiredService<ILoggerFactory>());
            config
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseLogProvider(HangfireLogs.Instance);
        });
        // Through DI rather than config.UseFilter, which adds to Hangfire's static GlobalJobFilters: a second host in
        // the process (tests) would run the first one's filter, on a store already closed.
        builder.Services.AddSingleton<Hangfire.Common.IJobFilterProvider>(sp => new Hangfire.Common.JobFilterProviderCollection(
            Hangfire.Common.JobFilterProviders.Providers, new Hangfire.Common.JobFilterCollection { sp.GetRequiredService<FailedJobsFilter>() }));
        // Read before the app is built, as the Telegram channel does: whether there is a server at all is wiring.
        if (builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>()?.Server != false)
        {
            builder.Services.AddHangfireServer((sp, options) =>
            {
                options.WorkerCount = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<JobsOptions>>().Value.Workers;
                // Escalations are scheduled minutes ahead; a second's precision is plenty and cheap in memory.
                options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                options.ServerName = $"jasmine-{Environment.ProcessId}";
                // This host's container builds the jobs. Left unset, the options fall back to the static
                // JobActivator.Current, which the last host configured in the process owns: with several hosts
                // (tests) a job ran with another host's services and store, and found nothing to do.
                options.Activator = sp.GetRequiredService<JobActivator>();
            });
        }
        builder.Services.AddSingleton<JobRecovery>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JobRecovery>());
        return builder;
    }
}

/// <summary>What must resume after a restart: anything a feature recorded as unfinished in the store.</summary>
public interface IRecoverable
{
    void Recover(IBackgroundJobClient jobs);
}

public sealed class JobRecovery(IEnumerable<IRecoverable> recoverables, IBackgroundJobClient jobs, ILogger<JobRecovery> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var r in recoverables)
        {
            try { r.Recover(jobs); }
            catch (Exception e) { logger.LogError("Recovery of {Feature} failed with {ExceptionType}", r.GetType().Name, e.GetType().Name); }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
