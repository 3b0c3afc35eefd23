using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Jobs;

/// <summary>
/// A job that has used up its retries lands in Hangfire's Failed state and nobody would notice: it is counted in the
/// monthly statistics (<c>jobs.failed:yyyy-MM</c>, shown by the <c>stats</c> command) and logged by name only.
/// </summary>
/// <remarks>
/// On state application rather than election: <see cref="Hangfire.AutomaticRetryAttribute"/> turns a failed attempt
/// that still has retries into Scheduled during the election, so only a real give-up is applied as Failed. The log
/// line names the job's class and method and the exception's type: its arguments and message may carry case ids or
/// an address, and the message of an exception thrown by a channel client may quote what was sent.
/// </remarks>
public sealed class FailedJobsFilter(JasmineStore store, TimeProvider time, ILogger<FailedJobsFilter> logger) : JobFilterAttribute, IApplyStateFilter
{
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        if (context.NewState is not FailedState failed) return;
        store.Increment($"jobs.failed:{time.GetUtcNow().UtcDateTime:yyyy-MM}");
        var job = context.BackgroundJob.Job;
        logger.LogError("Job {JobType}.{JobMethod} failed for good after its retries ({ExceptionType}); it will not run again by itself",
            job?.Type.Name ?? "?", job?.Method.Name ?? "?", failed.Exception?.GetType().Name ?? "?");
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction) { }
}
