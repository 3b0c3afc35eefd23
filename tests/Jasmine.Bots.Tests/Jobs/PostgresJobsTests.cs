using System.Collections.Concurrent;
using Hangfire;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Tests.Support;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Jasmine.Bots.Tests.Jobs;

/// <summary>
/// The local PostgreSQL that deploy/ci-prereqs.sh installs: its connection string from JASMINE_TEST_POSTGRES or
/// /tmp/jasmine-ci/postgres.conn. Without one the tests are skipped on a laptop, and fail in CI (CI is set there).
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<string?> Available = new(Probe);

    public static string? ConnectionString => Available.Value;

    private static string? Probe()
    {
        var conn = Environment.GetEnvironmentVariable("JASMINE_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(conn) && File.Exists("/tmp/jasmine-ci/postgres.conn")) conn = File.ReadAllText("/tmp/jasmine-ci/postgres.conn").Trim();
        if (string.IsNullOrWhiteSpace(conn)) return null;
        try
        {
            using var connection = new NpgsqlConnection(conn);
            connection.Open();
            return conn;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A schema of its own per test, dropped afterwards: runs never see each other's jobs.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..12];

    public static void Drop(string schema)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
        command.ExecuteNonQuery();
    }
}

/// <summary>Runs only where PostgreSQL answers, except in CI where its absence is a failure, not a skip.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestPostgres.ConnectionString is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            Skip = "No PostgreSQL (run deploy/ci-prereqs.sh, or set JASMINE_TEST_POSTGRES)";
    }
}

/// <summary>A job that says which host ran it (by its data directory).</summary>
public sealed class ProbeJob(IOptions<JasmineOptions> options)
{
    public static readonly ConcurrentDictionary<string, ConcurrentBag<string>> RanOn = new();

    public void Run(string marker) => RanOn.GetOrAdd(marker, _ => []).Add(options.Value.DataDirectory);
}

public sealed class PostgresJobsTests : IDisposable
{
    private readonly string _schema = TestPostgres.NewSchema();

    public void Dispose()
    {
        if (TestPostgres.ConnectionString is not null) TestPostgres.Drop(_schema);
    }

    private Dictionary<string, string?> Settings(bool server = true) => new()
    {
        ["Jasmine:Jobs:Storage"] = "postgres",
        ["Jasmine:Jobs:ConnectionString"] = TestPostgres.ConnectionString ?? throw new InvalidOperationException("CI is set but PostgreSQL does not answer: did deploy/ci-prereqs.sh run?"),
        ["Jasmine:Jobs:Schema"] = _schema,
        ["Jasmine:Jobs:Server"] = server ? "true" : "false",
        ["Jasmine:FollowUp:Rota:0"] = "try:staff-ana",
    };

    [PostgresFact]
    public async Task A_severe_case_is_routed_by_a_job_that_went_through_postgresql()
    {
        using var host = new JasmineFactory(Settings());
        var victim = host.Chat("victim");
        await victim.Join(host.NewInvite());
        foreach (var step in new[] { "/report", "0611223344", "1", "2", "11", "1", "Lyon", "He hurt me badly", "1", "1", "1", "4", "1" }) await victim.Send(step);
        victim.Expect("will contact you");

        IReadOnlyList<Channels.Try.TryReply> inbox;
        try { inbox = await host.Chat("staff-ana").WaitForInbox(15_000); }
        catch (Xunit.Sdk.XunitException e)
        {
            await using var c = new NpgsqlConnection(TestPostgres.ConnectionString);
            await c.OpenAsync();
            await using var q = new NpgsqlCommand($"SELECT coalesce(j.statename, '(creating)') || ' ' || coalesce(s.reason,'') || ' ' || coalesce(s.data::text,'') FROM {_schema}.job j LEFT JOIN {_schema}.state s ON s.id = j.stateid", c);
            var rows = new List<string>();
            await using (var r = await q.ExecuteReaderAsync()) while (await r.ReadAsync()) rows.Add(r.GetString(0));
            throw new Xunit.Sdk.XunitException(e.Message + "\n" + string.Join("\n", rows) + "\n" + string.Join("\n", host.Logs.Lines.Where(l => l.StartsWith("Warning") || l.StartsWith("Error") || l.StartsWith("Critical")).Take(20)));
        }
        var notice = Assert.Single(inbox);
        var caseId = Assert.Single(host.Get<CaseService>().Cases.FindAll()).Id;
        Assert.Contains("niveau 1", notice.Text);

        var states = new List<string>();
        async Task<List<string>> ReadStates()
        {
            await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"SELECT coalesce(statename, '') FROM {_schema}.job WHERE invocationdata::text LIKE '%CaseJobs%' AND arguments::text LIKE @id", connection);
            command.Parameters.AddWithValue("id", "%" + caseId + "%");
            var found = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) found.Add(reader.GetString(0));
            return found;
        }
        // The notice can arrive before the job that sent it is marked done.
        for (var i = 0; i < 50 && !(states = await ReadStates()).Contains("Succeeded"); i++) await Task.Delay(200);
        // The first Route sent the notice; the next one (escalation) is already scheduled in the same storage.
        Assert.Contains("Succeeded", states);
        Assert.Contains("Scheduled", states);
    }

    [PostgresFact]
    public async Task Hosts_sharing_the_storage_share_the_work_and_each_job_runs_once()
    {
        using var front = new JasmineFactory(Settings(server: false));
        using var worker = new JasmineFactory(Settings(server: true));
        _ = worker.Services;

        // The front host has no server: only the worker's can run what the front enqueues.
        var marker = Guid.NewGuid().ToString("N");
        front.Get<IBackgroundJobClient>().Enqueue<ProbeJob>(j => j.Run(marker));
        await Eventually.True(() => ProbeJob.RanOn.ContainsKey(marker), "the worker ran the front's job", 15_000);
        Assert.Equal(worker.DataDirectory, Assert.Single(ProbeJob.RanOn[marker]));

        // Two servers on one queue: each job is fetched by one of them only.
        using var second = new JasmineFactory(Settings(server: true));
        _ = second.Services;
        var markers = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        foreach (var m in markers) front.Get<IBackgroundJobClient>().Enqueue<ProbeJob>(j => j.Run(m));
        await Eventually.True(() => markers.All(ProbeJob.RanOn.ContainsKey), "all 20 jobs ran", 20_000);
        await Task.Delay(1500);
        Assert.All(markers, m => Assert.Single(ProbeJob.RanOn[m]));
    }
}
