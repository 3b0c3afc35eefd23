using Jasmine.Bots.Channels;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Jobs;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Wipe;

public static class WipeExtensions
{
    /// <summary>The message-id ledger, WIPE and the delayed wipe, their flow actions and their recovery after a restart.</summary>
    public static IHostApplicationBuilder AddWipe(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<WipeLedger>();
        builder.Services.AddSingleton<IInboundMessageIds>(sp => sp.GetRequiredService<WipeLedger>());
        builder.Services.AddSingleton<WipeService>();
        builder.Services.AddSingleton<IRecoverable>(sp => sp.GetRequiredService<WipeService>());
        builder.Services.AddSingleton<IFlowFeature, WipeFeature>();
        builder.Services.AddTransient<WipeJobs>();
        builder.Services.AddHostedService<WipeStartup>();
        return builder;
    }

    /// <summary>
    /// Hooks the ledger to the outbox and to the retention job. In StartingAsync, before any hosted service starts:
    /// the outbox dispatcher may send what waited across a restart at once, and those ids must be kept too.
    /// </summary>
    private sealed class WipeStartup(WipeLedger ledger, OutboxDispatcher dispatcher, JasmineStore store) : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken)
        {
            ledger.EnsureIndexes();
            dispatcher.SentListeners.Add(ledger.Sent);
            store.RetentionTasks.Add(now => ledger.DeleteOlderThan(now - WipeLedger.Window));
            return Task.CompletedTask;
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
