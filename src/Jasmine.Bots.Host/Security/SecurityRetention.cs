using Jasmine.Bots.Screening;
using Jasmine.Bots.Staff;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Security;

/// <summary>The hourly retention job also forgets old sign-in counts and look-up windows.</summary>
internal sealed class SecurityRetention(JasmineStore store, LoginThrottle throttle, ScreeningAllowance allowance) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.RetentionTasks.Add(now => throttle.Purge(now));
        store.RetentionTasks.Add(now => allowance.Purge(now));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
