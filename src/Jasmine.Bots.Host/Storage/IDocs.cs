using System.Linq.Expressions;

namespace Jasmine.Bots.Storage;

/// <summary>
/// The documents of one kind, whichever store holds them (LiteDB embedded, PostgreSQL in production). Features see
/// only this: filters are C# lambdas, read by each store into its own query language, and every read returns
/// documents read out in full (nothing lazy outlives the call). Inside <see cref="IDocumentStore.InTransaction{T}"/>
/// every call joins that transaction.
/// </summary>
/// <remarks>
/// Filters may use: ==, !=, &lt;, &lt;=, &gt;, &gt;= between a document's field (strings, numbers, booleans, enums,
/// dates, nullable ones) and a value computed before the call; &amp;&amp;, ||, !; a boolean field alone;
/// <c>field == null</c>; <c>list.Contains(field)</c> for a list of values; <c>x.ListField.Contains(value)</c> for a list of
/// strings in the document. Anything else is refused by the PostgreSQL store (a contract test keeps both stores to the
/// same answers).
/// </remarks>
public interface IDocs<T> where T : class
{
    string Name { get; }

    /// <summary>By the document's <c>Id</c> (a string or a long).</summary>
    T? FindById(object id);
    IReadOnlyList<T> FindAll();
    IReadOnlyList<T> Find(Expression<Func<T, bool>> where, int skip = 0, int limit = int.MaxValue);

    /// <summary>Filtered (or not, with null) and ordered by one field.</summary>
    IReadOnlyList<T> Find<TKey>(Expression<Func<T, bool>>? where, Expression<Func<T, TKey>> orderBy, bool descending = false, int skip = 0, int limit = int.MaxValue);

    /// <summary>Keyset paging: up to <paramref name="limit"/> documents whose string <c>Id</c> sorts after <paramref name="afterId"/> (ordinal), in that order.</summary>
    IReadOnlyList<T> After(string? afterId, int limit);

    T? FindOne(Expression<Func<T, bool>> where);
    bool Exists(Expression<Func<T, bool>> where);
    int Count();
    int Count(Expression<Func<T, bool>> where);

    /// <summary>Adds a new document. A long <c>Id</c> of 0 is given the next number. Throws <see cref="DuplicateKeyException"/> when the id or a unique field is taken.</summary>
    void Insert(T doc);
    int InsertBulk(IEnumerable<T> docs);

    /// <summary>Replaces the document with this <c>Id</c>; false when there is none.</summary>
    bool Update(T doc);

    /// <summary>Inserts or replaces; true when it was inserted.</summary>
    bool Upsert(T doc);

    /// <summary>
    /// Inserts <paramref name="doc"/>, or replaces the stored document with its id only when that one matches
    /// <paramref name="replaceIf"/>; one atomic step, without an explicit transaction. True when it was written.
    /// </summary>
    bool UpsertWhen(T doc, Expression<Func<T, bool>> replaceIf);

    bool Delete(object id);
    int DeleteMany(Expression<Func<T, bool>> where);
    int DeleteAll();

    /// <summary>An index on one field (created once; cheap to ask again). A unique one makes <see cref="Insert"/> refuse a second document with the same value.</summary>
    void EnsureIndex<TKey>(Expression<Func<T, TKey>> field, bool unique = false);
}

/// <summary>A second document with the same id or the same value of a unique field.</summary>
public sealed class DuplicateKeyException(string collection, Exception? inner = null)
    : Exception($"A document with this key is already in '{collection}'.", inner);

/// <summary>
/// What holds the documents: LiteDB (<see cref="LiteDocumentStore"/>) or PostgreSQL (<c>PostgresDocumentStore</c>),
/// chosen by <c>Jasmine:Store:Provider</c>. Only the storage folder knows which.
/// </summary>
public interface IDocumentStore : IDisposable
{
    /// <summary>The same instance for the same name and type, for the life of the store.</summary>
    IDocs<T> Collection<T>(string name) where T : class;

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction, or inside the caller's when there is one (they do not nest:
    /// the outermost commits). If <paramref name="work"/> throws, nothing it wrote is kept.
    /// </summary>
    T InTransaction<T>(Func<T> work);

    /// <summary>
    /// <see cref="InTransaction{T}"/> for work that may share its commit with other callers' (a turn): completes once
    /// the transaction that carried it has committed. If any work of a shared commit throws, that commit is rolled
    /// back and every other work runs again alone, so <paramref name="work"/> must read what it needs from the store
    /// (it may run twice; only its last run is kept).
    /// </summary>
    Task<T> InSharedTransactionAsync<T>(Func<T> work);

    /// <summary>Runs <paramref name="action"/> once the surrounding transaction has committed (at once when there is none).</summary>
    void AfterCommit(Action action);

    /// <summary>Adds <paramref name="by"/> to a named counter, creating it at 0, atomically.</summary>
    void Increment(string collection, string counter, long by);

    bool IsOpen();

    /// <summary>"litedb" or "postgres".</summary>
    string Provider { get; }
}

/// <summary>Which exceptions mean "the store failed this time" (a full disk, a lost database connection), whichever store it is.</summary>
public static class StoreFailure
{
    public static bool Is(Exception e) =>
        e is LiteDB.LiteException or Npgsql.NpgsqlException or ObjectDisposedException or IOException or TimeoutException;
}
