using Hangfire;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Jobs;

/// <summary>A job that always throws, with an address in its message as a careless exception could have.</summary>
public sealed class AlwaysFailingJob
{
    [AutomaticRetry(Attempts = 1, DelaysInSeconds = [0], LogEvents = false)]
    public void Run(string urn) => throw new InvalidOperationException("could not reach " + urn);
}

public sealed class FailedJobsTests
{
    [Fact]
    public async Task A_job_that_keeps_failing_is_counted_in_the_stats_and_logged_without_its_arguments_or_message()
    {
        using var host = new JasmineFactory();
        host.Get<IBackgroundJobClient>().Enqueue<AlwaysFailingJob>(j => j.Run("telegram:987654321"));

        await Eventually.True(() => host.Logs.All.Contains("AlwaysFailingJob.Run failed for good"), "the failure logged", 20_000);
        var stats = new StringWriter();
        await host.Get<AdminCommands>().RunAsync(["stats"], stats, CancellationToken.None);
        Assert.Contains($"jobs.failed {DateTime.UtcNow:yyyy-MM}: 1", stats.ToString());
        var ours = host.Logs.Lines.Where(l => l.Contains("FailedJobsFilter")).ToList();
        Assert.Single(ours);
        Assert.DoesNotContain("987654321", string.Join("\n", ours));
    }
}
