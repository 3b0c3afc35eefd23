using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace Jasmine.Bots.Jobs;

/// <summary>Hangfire on PostgreSQL, for deployments where several hosts share the jobs.</summary>
public static class PostgresJobStorage
{
    public static JobStorage Create(string connectionString) =>
        new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, new PostgreSqlStorageOptions
        {
            SchemaName = "jasmine_jobs",
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = TimeSpan.FromSeconds(1),
        }));
}
