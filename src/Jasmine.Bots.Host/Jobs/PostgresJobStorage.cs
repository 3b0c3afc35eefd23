using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace Jasmine.Bots.Jobs;

/// <summary>Hangfire on PostgreSQL, for deployments where several hosts share the jobs.</summary>
public static class PostgresJobStorage
{
    public static JobStorage Create(string connectionString, string schema = "jasmine_jobs")
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = schema,
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = TimeSpan.FromSeconds(1),
        };
        // The storage reads its own options (schema, polling), the factory only opens connections: given to the
        // factory alone, they were ignored and the tables went to the default "hangfire" schema.
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }
}
