using System.Collections.Concurrent;
using System.Data;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Jasmine.Bots.Storage;

/// <summary>
/// The documents in PostgreSQL: one table <c>(id text, doc jsonb)</c> per collection, in a schema of the store's
/// own, so several hosts can share one database (see <see cref="InTransaction{T}"/> for what keeps them apart).
/// </summary>
/// <remarks>
/// Synchronous, as <see cref="IDocumentStore"/> is. Nothing here logs: documents and the values a filter compares
/// with travel only as parameters, and Npgsql leaves a server error's key values out of its messages unless
/// "Include Error Detail" is set in the connection string (it must not be).
/// </remarks>
public sealed class PostgresDocumentStore : IDocumentStore
{
    /// <summary>The schema's versions, applied in order at start under the migration lock. 1: collections are tables made on demand.</summary>
    private static readonly (int Version, string Sql)[] Migrations = [(1, "")];

    private readonly NpgsqlDataSource _source;
    private readonly ConcurrentDictionary<(string Name, Type Type), object> _collections = new();
    /// <summary>The tables and indexes known to exist (committed), by their DDL.</summary>
    private readonly ConcurrentDictionary<string, bool> _made = new();
    private readonly Lock _gate = new();

    /// <summary>
    /// The transaction of this thread, if any: every call on the thread joins it. Per store (not a [ThreadStatic]
    /// static) so that two stores in one process, as two hosts in a test, never join each other's.
    /// </summary>
    private readonly ThreadLocal<Transaction?> _current = new();

    /// <summary>One transaction at a time in this process: the others wait here, not each on a pooled connection stuck on the advisory lock.</summary>
    private readonly Lock _transactions = new();

    private volatile bool _closed;

    public PostgresDocumentStore(string connectionString, string schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        _source = NpgsqlDataSource.Create(connectionString);
        Schema = Quote(schema);
        TransactionLockKey = LockKey("jasmine.docs.transactions:" + schema);
        MigrationLockKey = LockKey("jasmine.docs.migrations:" + schema);
        _shared = new SharedCommits(InTransaction, "jasmine-pg-commits");
        Migrate();
    }

    public string Provider => "postgres";

    /// <summary>The schema, quoted for SQL.</summary>
    internal string Schema { get; }

    private long TransactionLockKey { get; }
    private long MigrationLockKey { get; }

    public IDocs<T> Collection<T>(string name) where T : class
    {
        ThrowIfClosed();
        // GetOrAdd may run the factory twice under a race; only one instance is kept. The table is made by its first call.
        return (IDocs<T>)_collections.GetOrAdd((name, typeof(T)), _ => new PostgresDocs<T>(this, name));
    }

    /// <summary>
    /// Every explicit transaction first takes <c>pg_advisory_xact_lock</c> on a key fixed for this schema, so hosts
    /// sharing the database never interleave two read-modify-write transactions: the guarantee the LiteDB store gives
    /// with its one in-process lock, here across processes. READ COMMITTED is then enough (a transaction reads what
    /// the one before it committed). Reads and writes outside a transaction do not take the lock.
    /// </summary>
    public T InTransaction<T>(Func<T> work)
    {
        ThrowIfClosed();
        if (_current.Value is not null) return work();
        Transaction scope;
        T result;
        lock (_transactions)
        {
            using var connection = _source.OpenConnection();
            using var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
            using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
            {
                command.Parameters.AddWithValue("key", TransactionLockKey);
                command.ExecuteNonQuery();
            }
            scope = new Transaction(connection, transaction);
            _current.Value = scope;
            try
            {
                result = work();
                // PostgreSQL answers COMMIT on a failed transaction with a silent ROLLBACK: a caller that caught the
                // failure and carried on must learn that nothing was kept.
                if (scope.Failed) throw new InvalidOperationException("A statement of this transaction failed, so PostgreSQL rolled it all back.");
                transaction.Commit();
            }
            finally
            {
                // Disposing an uncommitted transaction rolls it back, and its after-commit actions are dropped with it.
                _current.Value = null;
            }
        }
        foreach (var action in scope.AfterCommit) action();
        return result;
    }

    private readonly SharedCommits _shared;

    /// <summary>
    /// Turns share commits here too (see <see cref="SharedCommits"/>): every transaction runs under the one advisory
    /// lock, so turns ran one at a time anyway, each waiting for its own WAL flush.
    /// </summary>
    public Task<T> InSharedTransactionAsync<T>(Func<T> work)
    {
        if (_current.Value is not null) return Task.FromResult(work());
        return _shared.Enqueue(work);
    }

    /// <summary>Shared commits so far and the turns they carried.</summary>
    internal (long Commits, long Turns) SharedStats => _shared.Stats;

    public void AfterCommit(Action action)
    {
        if (_current.Value is { } scope) scope.AfterCommit.Add(action);
        else action();
    }

    public void Increment(string collection, string counter, long by)
    {
        ThrowIfClosed();
        Ddl(TableDdl(collection, longId: false));
        var table = Table(collection);
        // One statement: concurrent increments queue on the row lock instead of losing each other's additions.
        Run((connection, transaction) =>
        {
            using var command = new NpgsqlCommand(
                $"INSERT INTO {table} (id, doc) VALUES (@id, jsonb_build_object('Id', @id, 'Count', @by)) " +
                $"ON CONFLICT (id) DO UPDATE SET doc = jsonb_set({table}.doc, '{{Count}}', to_jsonb(coalesce(({table}.doc->>'Count')::bigint, 0) + @by))",
                connection, transaction);
            command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Text) { Value = counter });
            command.Parameters.Add(new NpgsqlParameter("by", NpgsqlDbType.Bigint) { Value = by });
            return command.ExecuteNonQuery();
        });
    }

    public bool IsOpen() => !_closed;

    public void Dispose()
    {
        if (_closed) return;
        // Turns already queued are committed first.
        _shared.Dispose();
        _closed = true;
        _source.Dispose();
        _current.Dispose();
    }

    /// <summary>The quoted table of a collection.</summary>
    internal string Table(string name) => $"{Schema}.{Quote(name)}";

    internal string Sequence(string name) => $"{Schema}.{Quote(name + "_id_seq")}";

    internal bool InExplicitTransaction => _current.Value is not null;

    /// <summary>Runs on this thread's transaction, or on a pooled connection of its own (autocommit).</summary>
    internal TResult Run<TResult>(Func<NpgsqlConnection, NpgsqlTransaction?, TResult> action)
    {
        ThrowIfClosed();
        var scope = _current.Value;
        try
        {
            if (scope is not null) return action(scope.Connection, scope.Inner);
            using var connection = _source.OpenConnection();
            return action(connection, null);
        }
        catch (PostgresException e)
        {
            if (scope is not null) scope.Failed = true;
            // A data error's message quotes the value it could not read (a document's field, perhaps a person's):
            // only its code goes on, as exception messages reach logs.
            if (e.SqlState.StartsWith("22", StringComparison.Ordinal)) throw new InvalidOperationException($"PostgreSQL refused a value (SQLSTATE {e.SqlState}); its message is withheld.");
            throw;
        }
    }

    /// <summary>A ROLLBACK TO SAVEPOINT undid the statement that failed: the transaction is whole again.</summary>
    internal void Recovered()
    {
        if (_current.Value is { } scope) scope.Failed = false;
    }

    /// <summary>An index on a field expression, once per store (CREATE ... IF NOT EXISTS makes asking again on another host harmless).</summary>
    internal void EnsureIndex(string collection, string expression, bool unique)
    {
        var name = Quote(IndexName(collection, expression, unique));
        Ddl($"CREATE {(unique ? "UNIQUE " : "")}INDEX IF NOT EXISTS {name} ON {Table(collection)} (({expression}))");
    }

    /// <summary>What makes a collection's table (and, for long ids, its sequence).</summary>
    internal string TableDdl(string name, bool longId)
    {
        var table = Table(name);
        var sql = new StringBuilder($"CREATE TABLE IF NOT EXISTS {table} (id text COLLATE \"C\" PRIMARY KEY, doc jsonb NOT NULL);");
        if (longId)
        {
            sql.Append($"CREATE SEQUENCE IF NOT EXISTS {Sequence(name)};");
            // Filters and ORDER BY on a long id read it as a number.
            sql.Append($"CREATE INDEX IF NOT EXISTS {Quote(IndexName(name, "(id)::bigint", false))} ON {table} (((id)::bigint));");
        }
        return sql.ToString();
    }

    /// <summary>
    /// Schema changes under the migration lock: two hosts starting together would otherwise race on
    /// CREATE ... IF NOT EXISTS (which is not safe against a concurrent twin). Inside a caller's transaction it runs
    /// there (a CREATE INDEX from another connection would wait for that very transaction) and counts as done once
    /// that commits: a rollback takes the table back too, and the next call makes it again.
    /// </summary>
    internal void Ddl(string sql)
    {
        if (_made.ContainsKey(sql)) return;
        if (_current.Value is { } scope)
        {
            if (!scope.Made.Add(sql)) return;
            try { Execute(scope.Connection, scope.Inner, sql); }
            catch (PostgresException)
            {
                scope.Failed = true;
                throw;
            }
            scope.AfterCommit.Add(() => _made[sql] = true);
            return;
        }
        lock (_gate)
        {
            using var connection = _source.OpenConnection();
            using var transaction = connection.BeginTransaction();
            Execute(connection, transaction, sql);
            transaction.Commit();
        }
        _made[sql] = true;
    }

    private void Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction);
        command.Parameters.AddWithValue("key", MigrationLockKey);
        command.ExecuteNonQuery();
        using var ddl = new NpgsqlCommand(sql, connection, transaction);
        ddl.ExecuteNonQuery();
    }

    private void Migrate()
    {
        lock (_gate)
        {
            using var connection = _source.OpenConnection();
            using var transaction = connection.BeginTransaction();
            Execute(connection, transaction,
                $"CREATE SCHEMA IF NOT EXISTS {Schema}; " +
                $"CREATE TABLE IF NOT EXISTS {Schema}.store_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            int applied;
            using (var read = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {Schema}.store_migrations", connection, transaction))
                applied = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (version, sql) in Migrations.Where(m => m.Version > applied))
            {
                if (sql.Length > 0)
                {
                    using var step = new NpgsqlCommand(sql.Replace("{schema}", Schema, StringComparison.Ordinal), connection, transaction);
                    step.ExecuteNonQuery();
                }
                using var mark = new NpgsqlCommand($"INSERT INTO {Schema}.store_migrations (version, applied_at) VALUES (@v, now())", connection, transaction);
                mark.Parameters.AddWithValue("v", version);
                mark.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_closed, this);

    /// <summary>A quoted identifier (a collection or schema name from the code, never from a person).</summary>
    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>PostgreSQL cuts names at 63 bytes: a readable head and a hash of the whole keep them apart.</summary>
    private static string IndexName(string collection, string expression, bool unique)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{collection}|{expression}|{unique}")))[..10].ToLowerInvariant();
        var head = new string(collection.Where(char.IsAsciiLetterOrDigit).Take(40).ToArray());
        return $"ix_{head}_{hash}";
    }

    /// <summary>A fixed 64-bit advisory-lock key (string.GetHashCode changes with every process; this must not).</summary>
    private static long LockKey(string text) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);

    private sealed class Transaction(NpgsqlConnection connection, NpgsqlTransaction inner)
    {
        public NpgsqlConnection Connection { get; } = connection;
        public NpgsqlTransaction Inner { get; } = inner;
        public List<Action> AfterCommit { get; } = [];

        /// <summary>A statement failed: PostgreSQL will run nothing more in this transaction and would not commit it.</summary>
        public bool Failed { get; set; }

        /// <summary>DDL already run in this transaction (not yet committed).</summary>
        public HashSet<string> Made { get; } = [];
    }
}
