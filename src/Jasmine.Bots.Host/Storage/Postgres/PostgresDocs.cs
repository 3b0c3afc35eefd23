using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Jasmine.Bots.Storage;

/// <summary>One collection of <see cref="PostgresDocumentStore"/>: the table <c>(id text, doc jsonb)</c>.</summary>
internal sealed class PostgresDocs<T> : IDocs<T> where T : class
{
    private const string UniqueViolation = "23505";

    private readonly PostgresDocumentStore _store;
    private readonly string _table;
    private readonly string _tableDdl;
    private readonly PropertyInfo _id;
    private volatile bool _hasUnique;

    public PostgresDocs(PostgresDocumentStore store, string name)
    {
        _store = store;
        Name = name;
        _table = store.Table(name);
        _id = typeof(T).GetProperty("Id", BindingFlags.Public | BindingFlags.Instance)
            ?? throw new NotSupportedException($"{typeof(T).Name} has no public Id property.");
        LongId = _id.PropertyType == typeof(long);
        if (!LongId && _id.PropertyType != typeof(string)) throw new NotSupportedException($"{typeof(T).Name}.Id is neither a string nor a long.");
        _tableDdl = store.TableDdl(name, LongId);
    }

    public string Name { get; }

    /// <summary>A long id: 0 on Insert takes the table's sequence's next number.</summary>
    public bool LongId { get; }

    /// <summary>
    /// The table, made by the first call that needs it (then a dictionary look-up): made in a transaction that rolls
    /// back, it is gone again, and the next call makes it anew.
    /// </summary>
    private string Table
    {
        get
        {
            _store.Ddl(_tableDdl);
            return _table;
        }
    }

    /// <summary>The id column in the order ids sort in (a long id as a number).</summary>
    private string IdOrder => LongId ? "(id)::bigint" : "id";

    public T? FindById(object id)
    {
        var ps = new SqlParameters();
        return Query($"SELECT doc::text FROM {Table} WHERE id = {ps.Add(IdText(id), NpgsqlDbType.Text)}", ps).FirstOrDefault();
    }

    public IReadOnlyList<T> FindAll() => Query($"SELECT doc::text FROM {Table} ORDER BY {IdOrder}", new SqlParameters());

    public IReadOnlyList<T> Find(Expression<Func<T, bool>> where, int skip = 0, int limit = int.MaxValue)
    {
        var ps = new SqlParameters();
        return Query($"SELECT doc::text FROM {Table} WHERE {PostgresFilter.Where(where, ps)} ORDER BY {IdOrder}{Page(skip, limit, ps)}", ps);
    }

    public IReadOnlyList<T> Find<TKey>(Expression<Func<T, bool>>? where, Expression<Func<T, TKey>> orderBy, bool descending = false, int skip = 0, int limit = int.MaxValue)
    {
        var ps = new SqlParameters();
        var field = PostgresFilter.Field(orderBy);
        // Nulls first going up, last going down: LiteDB's order, where null sorts below every value. Ties by id.
        var order = descending ? $"{field.Sql} DESC NULLS LAST" : $"{field.Sql} ASC NULLS FIRST";
        var filter = where is null ? "" : $" WHERE {PostgresFilter.Where(where, ps)}";
        return Query($"SELECT doc::text FROM {Table}{filter} ORDER BY {order}, {IdOrder}{Page(skip, limit, ps)}", ps);
    }

    public IReadOnlyList<T> After(string? afterId, int limit)
    {
        var ps = new SqlParameters();
        var after = "";
        if (afterId is not null)
        {
            after = LongId
                ? $" WHERE (id)::bigint > {ps.Add(long.Parse(afterId, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint)}"
                : $" WHERE id COLLATE \"C\" > {ps.Add(afterId, NpgsqlDbType.Text)}";
        }
        var order = LongId ? IdOrder : "id COLLATE \"C\"";
        return Query($"SELECT doc::text FROM {Table}{after} ORDER BY {order}{Page(0, limit, ps)}", ps);
    }

    public T? FindOne(Expression<Func<T, bool>> where) => Find(where, 0, 1).FirstOrDefault();

    public bool Exists(Expression<Func<T, bool>> where)
    {
        var ps = new SqlParameters();
        return Scalar<bool>($"SELECT EXISTS (SELECT 1 FROM {Table} WHERE {PostgresFilter.Where(where, ps)})", ps);
    }

    public int Count() => (int)Scalar<long>($"SELECT count(*) FROM {Table}", new SqlParameters());

    public int Count(Expression<Func<T, bool>> where)
    {
        var ps = new SqlParameters();
        return (int)Scalar<long>($"SELECT count(*) FROM {Table} WHERE {PostgresFilter.Where(where, ps)}", ps);
    }

    /// <remarks>
    /// ON CONFLICT DO NOTHING, then "no row went in" is the duplicate: a failing INSERT would abort the caller's whole
    /// PostgreSQL transaction, where LiteDB's goes on (and the feature may well catch the duplicate and carry on).
    /// Without a conflict target it covers the unique indexes too.
    /// </remarks>
    public void Insert(T doc)
    {
        var table = Table;
        var drawn = LongId && (long)_id.GetValue(doc)! == 0;
        if (drawn)
        {
            var next = Scalar<long>($"SELECT nextval('{_store.Sequence(Name).Replace("'", "''", StringComparison.Ordinal)}')", new SqlParameters());
            _id.SetValue(doc, next);
        }
        var ps = new SqlParameters();
        var inserted = NonQuery($"INSERT INTO {table} (id, doc) VALUES ({ps.Add(IdOf(doc), NpgsqlDbType.Text)}, {ps.Add(Serialize(doc), NpgsqlDbType.Jsonb)}) ON CONFLICT DO NOTHING", ps);
        if (inserted == 0) throw new DuplicateKeyException(Name);
        if (LongId && !drawn) KeepSequenceAhead((long)_id.GetValue(doc)!);
    }

    public int InsertBulk(IEnumerable<T> docs) => _store.InTransaction(() =>
    {
        var count = 0;
        foreach (var doc in docs)
        {
            Insert(doc);
            count++;
        }
        return count;
    });

    public bool Update(T doc)
    {
        var ps = new SqlParameters();
        var sql = $"UPDATE {Table} SET doc = {ps.Add(Serialize(doc), NpgsqlDbType.Jsonb)} WHERE id = {ps.Add(IdOf(doc), NpgsqlDbType.Text)}";
        return Guarded(() => NonQuery(sql, ps)) > 0;
    }

    public bool Upsert(T doc)
    {
        // LiteDB inserts a document without an id with the next one.
        if (LongId && (long)_id.GetValue(doc)! == 0)
        {
            Insert(doc);
            return true;
        }
        var ps = new SqlParameters();
        // xmax is 0 on a row version this statement created, and the locking transaction's id on one it replaced.
        var sql = $"INSERT INTO {Table} (id, doc) VALUES ({ps.Add(IdOf(doc), NpgsqlDbType.Text)}, {ps.Add(Serialize(doc), NpgsqlDbType.Jsonb)}) " +
                  $"ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc RETURNING (xmax = 0)";
        var inserted = Guarded(() => Scalar<bool>(sql, ps));
        if (inserted && LongId) KeepSequenceAhead((long)_id.GetValue(doc)!);
        return inserted;
    }

    /// <summary>
    /// One statement: on a conflict the stored row is replaced only where <paramref name="replaceIf"/> holds for it; no
    /// row is touched otherwise. The filter reads "id" and "doc" unqualified, which ON CONFLICT's WHERE would find
    /// ambiguous (the stored row or EXCLUDED): a sub-select names the stored row's alone.
    /// </summary>
    public bool UpsertWhen(T doc, Expression<Func<T, bool>> replaceIf)
    {
        if (LongId && (long)_id.GetValue(doc)! == 0) throw new NotSupportedException("UpsertWhen needs the document's id.");
        var ps = new SqlParameters();
        var sql = $"INSERT INTO {Table} AS stored (id, doc) VALUES ({ps.Add(IdOf(doc), NpgsqlDbType.Text)}, {ps.Add(Serialize(doc), NpgsqlDbType.Jsonb)}) " +
                  $"ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc WHERE (SELECT {PostgresFilter.Where(replaceIf, ps)} FROM (SELECT stored.id, stored.doc) AS s)";
        return Guarded(() => NonQuery(sql, ps)) > 0;
    }

    public bool Delete(object id)
    {
        var ps = new SqlParameters();
        return NonQuery($"DELETE FROM {Table} WHERE id = {ps.Add(IdText(id), NpgsqlDbType.Text)}", ps) > 0;
    }

    public int DeleteMany(Expression<Func<T, bool>> where)
    {
        var ps = new SqlParameters();
        return NonQuery($"DELETE FROM {Table} WHERE {PostgresFilter.Where(where, ps)}", ps);
    }

    // DELETE, not TRUNCATE: it stays inside the caller's transaction without locking out every reader.
    public int DeleteAll() => NonQuery($"DELETE FROM {Table}", new SqlParameters());

    public void EnsureIndex<TKey>(Expression<Func<T, TKey>> field, bool unique = false)
    {
        // The very expression filters produce for the field, so the planner can match the two.
        _store.Ddl(_tableDdl);
        _store.EnsureIndex(Name, PostgresFilter.Field(field).Sql, unique);
        if (unique) _hasUnique = true;
    }

    /// <summary>
    /// Update and Upsert can break a unique index (no ON CONFLICT clause covers both the id and another index).
    /// Inside a transaction the failure runs under a savepoint, so that, as with LiteDB, the transaction survives
    /// the <see cref="DuplicateKeyException"/>.
    /// </summary>
    private TResult Guarded<TResult>(Func<TResult> write)
    {
        var savepoint = _hasUnique && _store.InExplicitTransaction;
        if (savepoint) NonQuery("SAVEPOINT jasmine_write", new SqlParameters());
        try
        {
            var result = write();
            if (savepoint) NonQuery("RELEASE SAVEPOINT jasmine_write", new SqlParameters());
            return result;
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation)
        {
            if (savepoint)
            {
                NonQuery("ROLLBACK TO SAVEPOINT jasmine_write", new SqlParameters());
                _store.Recovered();
            }
            throw new DuplicateKeyException(Name, e);
        }
    }

    /// <summary>A long id given by the caller moves the sequence past it, so a later 0 never draws a taken number.</summary>
    private void KeepSequenceAhead(long id)
    {
        var ps = new SqlParameters();
        var sequence = _store.Sequence(Name);
        Scalar<long>($"SELECT setval('{sequence.Replace("'", "''", StringComparison.Ordinal)}', greatest({ps.Add(id, NpgsqlDbType.Bigint)}, (SELECT last_value FROM {sequence})))", ps);
    }

    private string IdOf(T doc) => IdText(_id.GetValue(doc) ?? throw new ArgumentException($"A {typeof(T).Name} without an Id."));

    private static string IdText(object id) => id switch
    {
        string s => s,
        long or int => Convert.ToString(id, CultureInfo.InvariantCulture)!,
        _ => throw new ArgumentException($"An id must be a string or a long, not {id.GetType().Name}."),
    };

    private static string Serialize(T doc) => JsonSerializer.Serialize(doc, DocumentJson.Options);

    private static string Page(int skip, int limit, SqlParameters ps)
    {
        var page = new StringBuilder();
        if (limit != int.MaxValue) page.Append(" LIMIT ").Append(ps.Add((long)limit, NpgsqlDbType.Bigint));
        if (skip > 0) page.Append(" OFFSET ").Append(ps.Add((long)skip, NpgsqlDbType.Bigint));
        return page.ToString();
    }

    private IReadOnlyList<T> Query(string sql, SqlParameters ps) => _store.Run((connection, transaction) =>
    {
        using var command = Command(sql, ps, connection, transaction);
        using var reader = command.ExecuteReader();
        var found = new List<T>();
        while (reader.Read()) found.Add(JsonSerializer.Deserialize<T>(reader.GetString(0), DocumentJson.Options)!);
        return found;
    });

    private TResult Scalar<TResult>(string sql, SqlParameters ps) => _store.Run((connection, transaction) =>
    {
        using var command = Command(sql, ps, connection, transaction);
        return (TResult)command.ExecuteScalar()!;
    });

    private int NonQuery(string sql, SqlParameters ps) => _store.Run((connection, transaction) =>
    {
        using var command = Command(sql, ps, connection, transaction);
        return command.ExecuteNonQuery();
    });

    private static NpgsqlCommand Command(string sql, SqlParameters ps, NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(ps.All.ToArray());
        return command;
    }
}
