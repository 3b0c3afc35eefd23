using System.Linq.Expressions;
using LiteDB;

namespace Jasmine.Bots.Storage;

/// <summary>
/// A LiteDB collection whose every call runs under the store's one lock, the same one a transaction holds from its
/// first write to its commit. LiteDB 5 documents itself as thread-safe, but a read on one thread while another
/// thread's transaction rewrote the same pages came back with a truncated document (seen as an empty encrypted
/// conversation state in the random-conversation property). So no read overlaps a write: what a reader sees is
/// always a committed state, and results are read out in full before the lock is let go (nothing lazy escapes).
/// </summary>
internal sealed class LockedCollection<T>(ILiteCollection<T> inner, Lock gate) : ILiteCollection<T>
{
    private TResult Run<TResult>(Func<ILiteCollection<T>, TResult> read)
    {
        lock (gate) return read(inner);
    }

    private List<T> All(Func<ILiteCollection<T>, IEnumerable<T>> read)
    {
        lock (gate) return read(inner).ToList();
    }

    public string Name => inner.Name;
    public BsonAutoId AutoId => inner.AutoId;
    public EntityMapper EntityMapper => inner.EntityMapper;

    public ILiteCollection<T> Include<K>(Expression<Func<T, K>> keySelector) => new LockedCollection<T>(inner.Include(keySelector), gate);
    public ILiteCollection<T> Include(BsonExpression keySelector) => new LockedCollection<T>(inner.Include(keySelector), gate);

    public bool Upsert(T entity) => Run(c => c.Upsert(entity));
    public int Upsert(IEnumerable<T> entities) => Run(c => c.Upsert(entities));
    public bool Upsert(BsonValue id, T entity) => Run(c => c.Upsert(id, entity));

    public bool Update(T entity) => Run(c => c.Update(entity));
    public bool Update(BsonValue id, T entity) => Run(c => c.Update(id, entity));
    public int Update(IEnumerable<T> entities) => Run(c => c.Update(entities));
    public int UpdateMany(BsonExpression transform, BsonExpression predicate) => Run(c => c.UpdateMany(transform, predicate));
    public int UpdateMany(Expression<Func<T, T>> extend, Expression<Func<T, bool>> predicate) => Run(c => c.UpdateMany(extend, predicate));

    public BsonValue Insert(T entity) => Run(c => c.Insert(entity));
    public void Insert(BsonValue id, T entity) => Run(c => { c.Insert(id, entity); return 0; });
    public int Insert(IEnumerable<T> entities) => Run(c => c.Insert(entities));
    public int InsertBulk(IEnumerable<T> entities, int batchSize = 5000) => Run(c => c.InsertBulk(entities, batchSize));

    public bool EnsureIndex(string name, BsonExpression expression, bool unique = false) => Run(c => c.EnsureIndex(name, expression, unique));
    public bool EnsureIndex(BsonExpression expression, bool unique = false) => Run(c => c.EnsureIndex(expression, unique));
    public bool EnsureIndex<K>(Expression<Func<T, K>> keySelector, bool unique = false) => Run(c => c.EnsureIndex(keySelector, unique));
    public bool EnsureIndex<K>(string name, Expression<Func<T, K>> keySelector, bool unique = false) => Run(c => c.EnsureIndex(name, keySelector, unique));
    public bool DropIndex(string name) => Run(c => c.DropIndex(name));

    /// <summary>A query is read lazily, after the lock would be let go: use <c>Find</c> with a <see cref="LiteDB.Query"/> instead.</summary>
    public ILiteQueryable<T> Query() => throw new NotSupportedException("Use Find(Query, skip, limit): a lazy query would read outside the store's lock.");

    public IEnumerable<T> Find(BsonExpression predicate, int skip = 0, int limit = int.MaxValue) => All(c => c.Find(predicate, skip, limit));
    public IEnumerable<T> Find(LiteDB.Query query, int skip = 0, int limit = int.MaxValue) => All(c => c.Find(query, skip, limit));
    public IEnumerable<T> Find(Expression<Func<T, bool>> predicate, int skip = 0, int limit = int.MaxValue) => All(c => c.Find(predicate, skip, limit));
    public T FindById(BsonValue id) => Run(c => c.FindById(id));
    public T FindOne(BsonExpression predicate) => Run(c => c.FindOne(predicate));
    public T FindOne(string predicate, BsonDocument parameters) => Run(c => c.FindOne(predicate, parameters));
    public T FindOne(BsonExpression predicate, params BsonValue[] args) => Run(c => c.FindOne(predicate, args));
    public T FindOne(Expression<Func<T, bool>> predicate) => Run(c => c.FindOne(predicate));
    public T FindOne(LiteDB.Query query) => Run(c => c.FindOne(query));
    public IEnumerable<T> FindAll() => All(c => c.FindAll());

    public bool Delete(BsonValue id) => Run(c => c.Delete(id));
    public int DeleteAll() => Run(c => c.DeleteAll());
    public int DeleteMany(BsonExpression predicate) => Run(c => c.DeleteMany(predicate));
    public int DeleteMany(string predicate, BsonDocument parameters) => Run(c => c.DeleteMany(predicate, parameters));
    public int DeleteMany(string predicate, params BsonValue[] args) => Run(c => c.DeleteMany(predicate, args));
    public int DeleteMany(Expression<Func<T, bool>> predicate) => Run(c => c.DeleteMany(predicate));

    public int Count() => Run(c => c.Count());
    public int Count(BsonExpression predicate) => Run(c => c.Count(predicate));
    public int Count(string predicate, BsonDocument parameters) => Run(c => c.Count(predicate, parameters));
    public int Count(string predicate, params BsonValue[] args) => Run(c => c.Count(predicate, args));
    public int Count(Expression<Func<T, bool>> predicate) => Run(c => c.Count(predicate));
    public int Count(LiteDB.Query query) => Run(c => c.Count(query));
    public long LongCount() => Run(c => c.LongCount());
    public long LongCount(BsonExpression predicate) => Run(c => c.LongCount(predicate));
    public long LongCount(string predicate, BsonDocument parameters) => Run(c => c.LongCount(predicate, parameters));
    public long LongCount(string predicate, params BsonValue[] args) => Run(c => c.LongCount(predicate, args));
    public long LongCount(Expression<Func<T, bool>> predicate) => Run(c => c.LongCount(predicate));
    public long LongCount(LiteDB.Query query) => Run(c => c.LongCount(query));
    public bool Exists(BsonExpression predicate) => Run(c => c.Exists(predicate));
    public bool Exists(string predicate, BsonDocument parameters) => Run(c => c.Exists(predicate, parameters));
    public bool Exists(string predicate, params BsonValue[] args) => Run(c => c.Exists(predicate, args));
    public bool Exists(Expression<Func<T, bool>> predicate) => Run(c => c.Exists(predicate));
    public bool Exists(LiteDB.Query query) => Run(c => c.Exists(query));

    public BsonValue Min(BsonExpression keySelector) => Run(c => c.Min(keySelector));
    public BsonValue Min() => Run(c => c.Min());
    public K Min<K>(Expression<Func<T, K>> keySelector) => Run(c => c.Min(keySelector));
    public BsonValue Max(BsonExpression keySelector) => Run(c => c.Max(keySelector));
    public BsonValue Max() => Run(c => c.Max());
    public K Max<K>(Expression<Func<T, K>> keySelector) => Run(c => c.Max(keySelector));
}
