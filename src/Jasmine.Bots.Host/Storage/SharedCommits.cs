namespace Jasmine.Bots.Storage;

/// <summary>
/// Group commit of turns, for either store: one thread runs the turns that wait, one after the other, in one
/// transaction of the store and commits them at once. A commit costs the same for one turn or many (LiteDB writes its
/// log, PostgreSQL flushes its WAL), and a commit per turn was a third of the time each turn held the store. Turns
/// still run one at a time, as the store's lock made them before, and each caller is answered only once the commit
/// that carries its turn is done.
/// </summary>
/// <remarks>
/// If one turn of a batch throws, the batch's transaction is rolled back whole: that turn gets its exception, and
/// every other turn runs again alone, reading the store as it is now (a turn reads what it needs inside its work, so
/// running it again is safe; only its last run is kept).
/// </remarks>
internal sealed class SharedCommits : IDisposable
{
    /// <summary>
    /// Sixteen turns of about a millisecond each hold the store some 15 ms: long enough that the commit is shared out,
    /// short enough that a reader waiting on the lock hardly notices.
    /// </summary>
    internal const int MaxShared = 16;

    private readonly Func<Func<int>, int> _inTransaction;
    private readonly System.Collections.Concurrent.ConcurrentQueue<Work> _queue = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly string _threadName;
    private readonly Lock _start = new();
    private Thread? _thread;
    private volatile bool _closing;
    private long _commits;
    private long _turns;

    /// <param name="inTransaction">The store's own transaction: rolled back whole if the work throws.</param>
    /// <remarks>The thread starts with the first turn: a store opened for a moment (the screening index's reader, a CLI command) runs none.</remarks>
    public SharedCommits(Func<Func<int>, int> inTransaction, string threadName)
    {
        _inTransaction = inTransaction;
        _threadName = threadName;
    }

    public (long Commits, long Turns) Stats => (Interlocked.Read(ref _commits), Interlocked.Read(ref _turns));

    private abstract class Work
    {
        public abstract void Run();
        public abstract void Done();
        public abstract void Fail(Exception e);
    }

    private sealed class Work<T>(Func<T> work) : Work
    {
        private T? _result;
        public readonly TaskCompletionSource<T> Completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override void Run() => _result = work();
        public override void Done() => Completion.TrySetResult(_result!);
        public override void Fail(Exception e) => Completion.TrySetException(e);
    }

    public Task<T> Enqueue<T>(Func<T> work)
    {
        if (_closing) throw new ObjectDisposedException(nameof(SharedCommits));
        if (_thread is null)
        {
            lock (_start)
            {
                if (_thread is null)
                {
                    var thread = new Thread(Run) { IsBackground = true, Name = _threadName };
                    thread.Start();
                    _thread = thread;
                }
            }
        }
        var item = new Work<T>(work);
        _queue.Enqueue(item);
        _wake.Release();
        return item.Completion.Task;
    }

    private sealed class BatchAborted : Exception;

    private void Run()
    {
        var batch = new List<Work>(MaxShared);
        while (true)
        {
            _wake.Wait();
            if (!_queue.TryDequeue(out var first))
            {
                if (_closing) return;
                continue;
            }
            batch.Clear();
            batch.Add(first);
            // One wake per item: take the others' wakes along with them.
            while (batch.Count < MaxShared && _wake.Wait(0))
            {
                if (_queue.TryDequeue(out var more)) batch.Add(more);
                else break;
            }
            RunBatch(batch);
            if (_closing && _queue.IsEmpty) return;
        }
    }

    private void RunBatch(List<Work> batch)
    {
        Exception? failure = null;
        var failed = -1;
        try
        {
            _inTransaction(() =>
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    try { batch[i].Run(); }
                    catch (Exception e)
                    {
                        (failure, failed) = (e, i);
                        throw new BatchAborted();
                    }
                }
                return 0;
            });
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _turns, batch.Count);
            foreach (var item in batch) item.Done();
            return;
        }
        catch (BatchAborted) { }
        catch (Exception e)
        {
            // The commit itself failed (a full disk, a lost connection): no turn of the batch is kept.
            foreach (var item in batch) item.Fail(e);
            return;
        }
        batch[failed].Fail(failure!);
        for (var i = 0; i < batch.Count; i++)
        {
            if (i == failed) continue;
            var item = batch[i];
            try
            {
                _inTransaction(() => { item.Run(); return 0; });
                item.Done();
            }
            catch (Exception e) { item.Fail(e); }
        }
    }

    /// <summary>Turns already queued are committed first; later ones are refused.</summary>
    public void Dispose()
    {
        _closing = true;
        Thread? thread;
        lock (_start) thread = _thread;
        if (thread is null) return;
        _wake.Release();
        thread.Join(TimeSpan.FromSeconds(10));
    }
}
