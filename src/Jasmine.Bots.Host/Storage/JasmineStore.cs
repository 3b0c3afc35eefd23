using Jasmine.Bots.Privacy;
using LiteDB;

namespace Jasmine.Bots.Storage;

/// <summary>The embedded store: one LiteDB file, opened once for the life of the host.</summary>
public sealed class JasmineStore : IDisposable
{
    private readonly LiteDatabase _db;

    /// <param name="durable"><c>Jasmine:Store:Durable</c>: a turn is answered only once its commit is fsynced (see <see cref="Durability"/>).</param>
    public JasmineStore(string path, FieldProtector protector, bool durable = true)
    {
        Protector = protector;
        FileModes.SecureDataDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var mapper = new BsonMapper { EnumAsInteger = false };
        // The screening index is read first, by a short-lived instance: LiteDB's page cache never gives memory back,
        // so the reading instance is closed before the host starts (see ScreeningIndex.Scan).
        InitialIndex = Screening.ScreeningIndex.Scan(() => new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }, mapper) { UtcDate = true });
        _db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }, mapper)
        {
            // Everything is compared in UTC; a host in Paris must not read back local times.
            UtcDate = true,
        };
        Path_ = path;
        Durability = new Durability(path, durable);
        Members.EnsureIndex(m => m.InvitedBy);
        Addresses.EnsureIndex(a => a.MemberId);
        Reports.EnsureIndex(r => r.ReporterId);
        Reports.EnsureIndex(r => r.ProfileId);
        Reports.EnsureIndex(r => r.Reference, unique: true);
        Invites.EnsureIndex(i => i.IssuedBy);
        StoreBackup.EnsureKeyCheck(_db, protector);
    }

    public string Path_ { get; }

    /// <summary>Makes commits survive a power cut, many at a time: wait on it after a commit before answering.</summary>
    public Durability Durability { get; }

    /// <summary>The screening index as read at open; handed to <see cref="Screening.ScreeningIndex"/> once, then dropped.</summary>
    internal Screening.ScreeningTable? InitialIndex { get; set; }
    public FieldProtector Protector { get; }
    public LiteDatabase Database => _db;

    /// <summary>A collection whose every call takes the store's lock (see <see cref="LockedCollection{T}"/>): the only way features reach one.</summary>
    /// <remarks>
    /// Made under the lock too, and once per name: LiteDB 5.0.21 builds a type's mapper on first use and, to another
    /// thread asking at that moment, hands out the half-built one (fixed in 5.0.22, which is not served here). A
    /// document read through it comes back with its fields at their defaults: an empty encrypted state.
    /// </remarks>
    public ILiteCollection<T> Collection<T>(string name)
    {
        var key = (name, typeof(T));
        if (_collections.TryGetValue(key, out var known)) return (ILiteCollection<T>)known;
        lock (_writer)
        {
            return (ILiteCollection<T>)_collections.GetOrAdd(key, _ => new LockedCollection<T>(_db.GetCollection<T>(name), _writer));
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Name, Type Type), object> _collections = new();

    /// <summary>Folds the write-ahead log into the data file, between two transactions.</summary>
    public void Checkpoint()
    {
        lock (_writer) _db.Checkpoint();
    }

    /// <summary>
    /// Runs <paramref name="read"/> on the data file while nothing can write: the store's lock is held and the
    /// write-ahead log is folded in first, so the file alone holds every committed write and no part of any other
    /// (a backup copies it; turns wait meanwhile).
    /// </summary>
    public void WhileCheckpointed(Action<string> read)
    {
        lock (_writer)
        {
            _db.Checkpoint();
            read(Path.GetFullPath(Path_));
        }
    }

    public ILiteCollection<MemberDoc> Members => Collection<MemberDoc>("members");
    public ILiteCollection<AddressDoc> Addresses => Collection<AddressDoc>("addresses");
    public ILiteCollection<InviteDoc> Invites => Collection<InviteDoc>("invites");
    public ILiteCollection<ProfileDoc> Profiles => Collection<ProfileDoc>("profiles");
    public ILiteCollection<IdentifierIndexDoc> IdentifierIndex => Collection<IdentifierIndexDoc>("identifiers");
    public ILiteCollection<ReportDoc> Reports => Collection<ReportDoc>("reports");
    public ILiteCollection<ConversationDoc> Conversations => Collection<ConversationDoc>("conversations");
    public ILiteCollection<CounterDoc> Counters => Collection<CounterDoc>("counters");

    public bool IsOpen()
    {
        try { _ = _db.UserVersion; return true; }
        catch (ObjectDisposedException) { return false; }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction, or inside the caller's when there is one (LiteDB transactions
    /// belong to a thread and do not nest: an inner commit would commit the outer work half-done).
    /// </summary>
    public T InTransaction<T>(Func<T> work)
    {
        if (_depth > 0) return work();
        // One explicit transaction at a time. LiteDB keeps a collection's write lock until the commit, so two
        // transactions that write the same collections in a different order (a turn, a join, a job) would wait on
        // each other until LiteDB's one-minute timeout; LiteDB writes one at a time anyway.
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

    // Written under the lock; read by the benchmark (how long transactions held the store, one after the other).
    private long _transactions;
    private long _transactionTicks;
    private long _commitTicks;

    /// <summary>Explicit transactions so far, the time they held the store's lock in all, and the part LiteDB's commits took.</summary>
    internal (long Count, TimeSpan Held, TimeSpan Committing) TransactionStats
    {
        get
        {
            lock (_writer) return (_transactions, System.Diagnostics.Stopwatch.GetElapsedTime(0, _transactionTicks), System.Diagnostics.Stopwatch.GetElapsedTime(0, _commitTicks));
        }
    }

    private readonly Lock _writer = new();

    [ThreadStatic] private static List<Action>? _afterCommit;
    [ThreadStatic] private static int _depth;

    /// <summary>
    /// Runs <paramref name="action"/> once the surrounding transaction is committed (at once when there is none):
    /// a job enqueued mid-turn must not run before what it reads is on disk.
    /// </summary>
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

    public void InTransaction(Action work) => InTransaction(() => { work(); return 0; });

    /// <summary>Counters are the only statistics kept: category × month, never who. The increment runs inside the engine's write lock.</summary>
    public void Increment(string counter, long by = 1)
    {
        var col = Counters;
        InTransaction(() =>
        {
            if (col.UpdateMany(BsonExpression.Create("{ Count: $.Count + @0 }", new BsonValue(by)), BsonExpression.Create("_id = @0", new BsonValue(counter))) > 0) return;
            try { col.Insert(new CounterDoc { Id = counter, Count = by }); }
            catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
                col.UpdateMany(BsonExpression.Create("{ Count: $.Count + @0 }", new BsonValue(by)), BsonExpression.Create("_id = @0", new BsonValue(counter)));
            }
        });
    }

    /// <summary>Features with data of their own add their erasure here (run by the retention job).</summary>
    public List<Action<DateTime>> RetentionTasks { get; } = [];

    /// <summary>
    /// Closes the file under the lock: a job or the outbox may still be writing while the host stops, and LiteDB's
    /// closing checkpoint racing a transaction left a file the next start could not read ("ReadFull must read
    /// PAGE_SIZE bytes", seen on a restart). Anything after this fails with ObjectDisposedException, not a torn file.
    /// </summary>
    public void Dispose()
    {
        // Its last fsync first, while LiteDB's write-ahead file is still there.
        Durability.Dispose();
        lock (_writer) _db.Dispose();
    }
}
