using System.Collections.Concurrent;
using System.Linq.Expressions;
using LiteDB;

namespace Jasmine.Bots.Storage;

/// <summary>The embedded store: one LiteDB file, opened once for the life of the host.</summary>
public sealed class LiteDocumentStore : IDocumentStore
{
    private readonly LiteDatabase _db;
    private readonly Lock _writer = new();
    private readonly ConcurrentDictionary<(string Name, Type Type), object> _collections = new();

    [ThreadStatic] private static List<Action>? _afterCommit;
    [ThreadStatic] private static int _depth;

    public LiteDocumentStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _db = Open(path);
        _shared = new SharedCommits(InTransaction, "jasmine-turn-commits");
    }

    /// <summary>
    /// The house mapper: enums by name (a renumbered enum cannot change a stored meaning), dates in UTC (a host in
    /// Paris must not read back local times). Strings compare ordinally, as on PostgreSQL (<c>COLLATE "C"</c>):
    /// LiteDB's default collation ignores case and follows a culture, so "Delta" found "delta" and paging by id
    /// followed a culture's order. The collation is chosen when a file is created; older files keep theirs.
    /// </summary>
    internal static LiteDatabase Open(string path) =>
        new(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, Collation = new Collation(127, System.Globalization.CompareOptions.Ordinal) },
            new BsonMapper { EnumAsInteger = false }) { UtcDate = true };

    public string Path { get; }
    public string Provider => "litedb";
    internal LiteDatabase Database => _db;

    /// <summary>
    /// Made under the lock, once per name: LiteDB 5.0.21 builds a type's mapper on first use and, to another thread
    /// asking at that moment, hands out the half-built one (fixed in 5.0.22, which is not served here). A document read
    /// through it comes back with its fields at their defaults: an empty encrypted state.
    /// </summary>
    public IDocs<T> Collection<T>(string name) where T : class
    {
        var key = (name, typeof(T));
        if (_collections.TryGetValue(key, out var known)) return (IDocs<T>)known;
        lock (_writer)
        {
            return (IDocs<T>)_collections.GetOrAdd(key, _ => new LiteDocs<T>(new LockedCollection<T>(_db.GetCollection<T>(name), _writer), _db.Mapper, _writer));
        }
    }

    /// <summary>A collection of untyped documents, for the few places that read LiteDB's own shapes (migration, backup).</summary>
    internal ILiteCollection<BsonDocument> Raw(string name)
    {
        lock (_writer) return new LockedCollection<BsonDocument>(_db.GetCollection(name), _writer);
    }

    /// <summary>
    /// One explicit transaction at a time. LiteDB keeps a collection's write lock until the commit, so two
    /// transactions that write the same collections in a different order (a turn, a join, a job) would wait on each
    /// other until LiteDB's one-minute timeout; LiteDB writes one at a time anyway. LiteDB transactions belong to a
    /// thread and do not nest: an inner commit would commit the outer work half-done, so an inner call joins.
    /// </summary>
    public T InTransaction<T>(Func<T> work)
    {
        if (_depth > 0) return work();
        lock (_writer)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            if (!_db.BeginTrans()) return work();
            _depth++;
            try
            {
                var result = work();
                var committing = System.Diagnostics.Stopwatch.GetTimestamp();
                _db.Commit();
                _commitTicks += System.Diagnostics.Stopwatch.GetTimestamp() - committing;
                _depth--;
                RunAfterCommit();
                return result;
            }
            catch
            {
                _depth--;
                _afterCommit?.Clear();
                _db.Rollback();
                throw;
            }
            finally
            {
                _transactions++;
                _transactionTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
            }
        }
    }

    private readonly SharedCommits _shared;

    /// <summary>Turns share commits (see <see cref="SharedCommits"/>): LiteDB commits cost the same for one turn or sixteen.</summary>
    public Task<T> InSharedTransactionAsync<T>(Func<T> work) =>
        // Already inside a transaction (a turn that runs another): join it, as InTransaction does.
        _depth > 0 ? Task.FromResult(work()) : _shared.Enqueue(work);

    /// <summary>Shared commits so far and the turns they carried (the benchmark prints turns per commit).</summary>
    internal (long Commits, long Turns) SharedStats => _shared.Stats;

    // Written under the lock; read by the benchmark (how long transactions held the store, one after the other).
    private long _transactions;
    private long _transactionTicks;
    private long _commitTicks;

    internal (long Count, TimeSpan Held, TimeSpan Committing) TransactionStats
    {
        get
        {
            lock (_writer) return (_transactions, System.Diagnostics.Stopwatch.GetElapsedTime(0, _transactionTicks), System.Diagnostics.Stopwatch.GetElapsedTime(0, _commitTicks));
        }
    }

    public void AfterCommit(Action action)
    {
        if (_depth > 0) (_afterCommit ??= []).Add(action);
        else action();
    }

    private static void RunAfterCommit()
    {
        if (_afterCommit is not { Count: > 0 } actions) return;
        var copy = actions.ToList();
        actions.Clear();
        foreach (var a in copy) a();
    }

    public void Increment(string collection, string counter, long by)
    {
        var col = Raw(collection);
        InTransaction(() =>
        {
            if (col.UpdateMany(BsonExpression.Create("{ Count: $.Count + @0 }", new BsonValue(by)), BsonExpression.Create("_id = @0", new BsonValue(counter))) > 0) return 0;
            try { col.Insert(new BsonDocument { ["_id"] = counter, ["Count"] = by }); }
            catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
                col.UpdateMany(BsonExpression.Create("{ Count: $.Count + @0 }", new BsonValue(by)), BsonExpression.Create("_id = @0", new BsonValue(counter)));
            }
            return 0;
        });
    }

    /// <summary>Folds the write-ahead log into the data file, between two transactions.</summary>
    internal void Checkpoint()
    {
        lock (_writer) _db.Checkpoint();
    }

    /// <summary>
    /// Runs <paramref name="read"/> on the data file while nothing can write: the lock is held and the write-ahead log
    /// is folded in first, so the file alone holds every committed write and no part of any other.
    /// </summary>
    internal void WhileCheckpointed(Action<string> read)
    {
        lock (_writer)
        {
            _db.Checkpoint();
            read(Path);
        }
    }

    public bool IsOpen()
    {
        try { _ = _db.UserVersion; return true; }
        catch (ObjectDisposedException) { return false; }
    }

    /// <summary>
    /// Closes the file under the lock: a job or the outbox may still be writing while the host stops, and LiteDB's
    /// closing checkpoint racing a transaction left a file the next start could not read ("ReadFull must read
    /// PAGE_SIZE bytes", seen on a restart). Anything after this fails with ObjectDisposedException, not a torn file.
    /// </summary>
    public void Dispose()
    {
        _shared.Dispose();
        lock (_writer) _db.Dispose();
    }
}

/// <summary><see cref="IDocs{T}"/> on a LiteDB collection (already locked by <see cref="LockedCollection{T}"/>).</summary>
internal sealed class LiteDocs<T>(ILiteCollection<T> inner, BsonMapper mapper, Lock gate) : IDocs<T> where T : class
{
    /// <summary>
    /// LiteDB reads a value from a closure or a constant as a parameter, but refuses a static member such as
    /// <c>DateTime.MaxValue</c>: those are read here first and handed over as constants (parameters too).
    /// </summary>
    private static Expression<Func<T, TResult>> Prepared<TResult>(Expression<Func<T, TResult>> e) => (Expression<Func<T, TResult>>)StaticMembers.Instance.Visit(e);

    private sealed class StaticMembers : ExpressionVisitor
    {
        public static readonly StaticMembers Instance = new();

        protected override Expression VisitMember(MemberExpression node) =>
            node.Expression is null ? Expression.Constant(Expression.Lambda(node).Compile().DynamicInvoke(), node.Type) : base.VisitMember(node);
    }

    public string Name => inner.Name;

    public T? FindById(object id) => inner.FindById(new BsonValue(id));
    public IReadOnlyList<T> FindAll() => inner.FindAll().ToList();
    public IReadOnlyList<T> Find(Expression<Func<T, bool>> where, int skip = 0, int limit = int.MaxValue) => inner.Find(Prepared(where), skip, limit).ToList();

    public IReadOnlyList<T> Find<TKey>(Expression<Func<T, bool>>? where, Expression<Func<T, TKey>> orderBy, bool descending = false, int skip = 0, int limit = int.MaxValue)
    {
        var query = new Query { OrderBy = mapper.GetExpression(orderBy), Order = descending ? Query.Descending : Query.Ascending };
        if (where is not null) query.Where.Add(mapper.GetExpression(Prepared(where)));
        return inner.Find(query, skip, limit).ToList();
    }

    // The last id read is a parameter, never part of the expression text: LiteDB caches every distinct text for the
    // life of the process.
    public IReadOnlyList<T> After(string? afterId, int limit)
    {
        var query = new Query { OrderBy = BsonExpression.Create("_id"), Order = Query.Ascending };
        if (afterId is not null) query.Where.Add(BsonExpression.Create("_id > @0", new BsonValue(afterId)));
        return inner.Find(query, 0, limit).ToList();
    }

    public T? FindOne(Expression<Func<T, bool>> where) => inner.FindOne(Prepared(where));
    public bool Exists(Expression<Func<T, bool>> where) => inner.Exists(Prepared(where));
    public int Count() => inner.Count();
    public int Count(Expression<Func<T, bool>> where) => inner.Count(Prepared(where));

    /// <remarks>
    /// A duplicate id is refused before LiteDB sees it: a failed insert inside a LiteDB transaction silently rolls
    /// back every write before it in that transaction (the contract test caught it), while the caller, told only
    /// "duplicate", goes on and commits the rest.
    /// </remarks>
    public void Insert(T doc)
    {
        if (IdOf(doc) is { } id && inner.FindById(id) is not null) throw new DuplicateKeyException(inner.Name);
        Writing(() => inner.Insert(doc));
    }

    private static readonly System.Reflection.PropertyInfo? IdProperty = typeof(T).GetProperty("Id");

    /// <summary>The document's id as LiteDB keys it, or null for a long id of 0 (LiteDB gives the next one).</summary>
    private static BsonValue? IdOf(T doc) => IdProperty?.GetValue(doc) switch
    {
        string s => new BsonValue(s),
        long l when l != 0 => new BsonValue(l),
        _ => null,
    };

    /// <summary>A write, with LiteDB's duplicate key (on the id or a unique index) told as the contract's <see cref="DuplicateKeyException"/>.</summary>
    private TResult Writing<TResult>(Func<TResult> write)
    {
        try { return write(); }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY) { throw new DuplicateKeyException(inner.Name, e); }
    }

    public int InsertBulk(IEnumerable<T> docs) => Writing(() => inner.InsertBulk(docs));
    public bool Update(T doc) => Writing(() => inner.Update(doc));
    public bool Upsert(T doc) => Writing(() => inner.Upsert(doc));

    /// <summary>Under the store's lock (which every other write takes too), so nothing comes between the read and the write.</summary>
    public bool UpsertWhen(T doc, Expression<Func<T, bool>> replaceIf)
    {
        lock (gate)
        {
            if (IdOf(doc) is { } id && inner.FindById(id) is { } existing && !replaceIf.Compile(preferInterpretation: true)(existing)) return false;
            Upsert(doc);
            return true;
        }
    }

    public bool Delete(object id) => inner.Delete(new BsonValue(id));
    public int DeleteMany(Expression<Func<T, bool>> where) => inner.DeleteMany(Prepared(where));
    public int DeleteAll() => inner.DeleteAll();
    public void EnsureIndex<TKey>(Expression<Func<T, TKey>> field, bool unique = false) => inner.EnsureIndex(field, unique);
}
