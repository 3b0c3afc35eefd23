using Jasmine.Bots.Privacy;

namespace Jasmine.Bots.Storage;

/// <summary>
/// The one store of the host, whichever holds the documents (<see cref="IDocumentStore"/>): features reach their
/// collections, transactions and the field protector through it, and never the database underneath.
/// </summary>
public sealed class JasmineStore : IDisposable
{
    private readonly IDocumentStore _docs;

    /// <summary>The embedded default: LiteDB in <paramref name="path"/>.</summary>
    /// <param name="durable"><c>Jasmine:Store:Durable</c>: a turn is answered only once its commit is fsynced (see <see cref="Durability"/>).</param>
    public JasmineStore(string path, FieldProtector protector, bool durable = true)
        : this(OpenLite(path), path, protector, durable)
    {
    }

    /// <param name="dataPath">The embedded file's path; with PostgreSQL, where the host's own files (the sent-journal) go.</param>
    public JasmineStore(IDocumentStore docs, string dataPath, FieldProtector protector, bool durable = true)
        : this((docs, null), dataPath, protector, durable)
    {
    }

    /// <param name="opened">The store, and the screening index when it was read before the store opened (<see cref="OpenLite"/>).</param>
    private JasmineStore((IDocumentStore Docs, Screening.ScreeningTable? Index) opened, string dataPath, FieldProtector protector, bool durable)
    {
        Protector = protector;
        var docs = _docs = opened.Docs;
        Path_ = dataPath;
        FileModes.SecureDataDirectory(Path.GetDirectoryName(Path.GetFullPath(dataPath))!);
        // PostgreSQL makes its own commits durable (synchronous_commit); only LiteDB's write-ahead file needs fsyncing here.
        Durability = new Durability(dataPath, durable && docs is LiteDocumentStore);
        InitialIndex = opened.Index ?? Screening.ScreeningIndex.Scan(Collection<IdentifierIndexDoc>("identifiers"));
        Members.EnsureIndex(m => m.InvitedBy);
        Addresses.EnsureIndex(a => a.MemberId);
        Reports.EnsureIndex(r => r.ReporterId);
        Reports.EnsureIndex(r => r.ProfileId);
        Reports.EnsureIndex(r => r.Reference, unique: true);
        Invites.EnsureIndex(i => i.IssuedBy);
        // Every short message asks whether she has a check-in open (CheckInReplies): by index, not by a scan.
        Collection<Safety.CheckInDoc>(Safety.CheckInStore.Collection).EnsureIndex(d => d.MemberKey);
        StoreBackup.EnsureKeyCheck(this);
    }

    /// <summary>
    /// The screening index is read first, by a short-lived instance: LiteDB's page cache never gives memory back, so
    /// the reading instance is closed before the host's own opens (see <see cref="Screening.ScreeningIndex.Scan"/>).
    /// </summary>
    private static (IDocumentStore, Screening.ScreeningTable?) OpenLite(string path)
    {
        FileModes.SecureDataDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Screening.ScreeningTable index;
        using (var reader = new LiteDocumentStore(path)) index = Screening.ScreeningIndex.Scan(reader.Collection<IdentifierIndexDoc>("identifiers"));
        return (new LiteDocumentStore(path), index);
    }

    public string Path_ { get; }

    /// <summary>"litedb" or "postgres".</summary>
    public string Provider => _docs.Provider;

    /// <summary>Several hosts may share this store (PostgreSQL): what must be correct cannot rest on one process's memory.</summary>
    public bool Shared => _docs.Provider == "postgres";

    /// <summary>What holds the documents (for the storage folder's own tools: backup, migration).</summary>
    internal IDocumentStore Documents => _docs;

    /// <summary>Makes commits survive a power cut, many at a time: wait on it after a commit before answering.</summary>
    public Durability Durability { get; }

    /// <summary>The screening index as read at open; handed to <see cref="Screening.ScreeningIndex"/> once, then dropped.</summary>
    internal Screening.ScreeningTable? InitialIndex { get; set; }

    public FieldProtector Protector { get; }

    /// <summary>A collection of this store (the same instance for the same name and type).</summary>
    public IDocs<T> Collection<T>(string name) where T : class => _docs.Collection<T>(name);

    /// <summary>Folds LiteDB's write-ahead log into the data file, between two transactions (nothing to do on PostgreSQL).</summary>
    public void Checkpoint() => (_docs as LiteDocumentStore)?.Checkpoint();

    public IDocs<MemberDoc> Members => Collection<MemberDoc>("members");
    public IDocs<AddressDoc> Addresses => Collection<AddressDoc>("addresses");
    public IDocs<InviteDoc> Invites => Collection<InviteDoc>("invites");
    public IDocs<ProfileDoc> Profiles => Collection<ProfileDoc>("profiles");
    public IDocs<IdentifierIndexDoc> IdentifierIndex => Collection<IdentifierIndexDoc>("identifiers");
    public IDocs<ReportDoc> Reports => Collection<ReportDoc>("reports");
    public IDocs<ConversationDoc> Conversations => Collection<ConversationDoc>("conversations");
    public IDocs<CounterDoc> Counters => Collection<CounterDoc>("counters");

    public bool IsOpen() => _docs.IsOpen();

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction, or inside the caller's when there is one (transactions do not
    /// nest: an inner commit would commit the outer work half-done).
    /// </summary>
    public T InTransaction<T>(Func<T> work) => _docs.InTransaction(work);

    public void InTransaction(Action work) => InTransaction(() => { work(); return 0; });

    /// <summary>A turn's transaction, which the embedded store commits together with the turns waiting beside it (see <see cref="IDocumentStore.InSharedTransactionAsync{T}"/>).</summary>
    public Task<T> InSharedTransactionAsync<T>(Func<T> work) => _docs.InSharedTransactionAsync(work);

    /// <summary>Shared commits and the turns they carried (embedded store; zeros elsewhere).</summary>
    internal (long Commits, long Turns) SharedStats => _docs switch
    {
        LiteDocumentStore lite => lite.SharedStats,
        PostgresDocumentStore postgres => postgres.SharedStats,
        _ => default,
    };

    /// <summary>Explicit transactions so far, the time they held the store's lock in all, and the part LiteDB's commits took (zeros elsewhere).</summary>
    internal (long Count, TimeSpan Held, TimeSpan Committing) TransactionStats => (_docs as LiteDocumentStore)?.TransactionStats ?? default;

    /// <summary>
    /// Runs <paramref name="action"/> once the surrounding transaction is committed (at once when there is none):
    /// a job enqueued mid-turn must not run before what it reads is on disk.
    /// </summary>
    public void AfterCommit(Action action) => _docs.AfterCommit(action);

    /// <summary>Counters are the only statistics kept: category × month, never who.</summary>
    public void Increment(string counter, long by = 1) => _docs.Increment("counters", counter, by);

    /// <summary>Features with data of their own add their erasure here (run by the retention job).</summary>
    public List<Action<DateTime>> RetentionTasks { get; } = [];

    public void Dispose()
    {
        // Its last fsync first, while LiteDB's write-ahead file is still there.
        Durability.Dispose();
        _docs.Dispose();
    }
}
