using Microsoft.Win32.SafeHandles;

namespace Jasmine.Bots.Storage;

/// <summary>
/// Group commit to the disk itself. LiteDB 5 writes a commit's pages to its write-ahead file (<c>&lt;name&gt;-log&lt;ext&gt;</c>,
/// here <c>jasmine-log.db</c>) with plain write() calls and fsyncs only the data file, at checkpoint: a commit
/// survives the death of the process (the kernel holds it) but not a power cut. One flusher here fsyncs that file
/// (and the outbox's sent-journal) and then releases every caller that asked before the fsync began: each of their
/// commits had reached the kernel when they asked, so that fsync covers it. Callers that arrive during an fsync wait
/// for the next one, which covers all of them at once — the more load, the more commits each fsync carries.
/// </summary>
/// <remarks>
/// On Linux an fsync on any descriptor of a file flushes all its dirty pages, so our own read-only handle is enough,
/// and it stays valid when a checkpoint truncates the file (same inode; LiteDB deletes the file only when it closes).
/// A checkpoint fsyncs the data file itself before it empties the log. The dispatcher may send a reply before its
/// turn's fsync: a power cut in between loses that turn, but the channel got no 200 and delivers the message again,
/// so she is answered again — at worst twice, the dispatcher's documented at-least-once.
/// </remarks>
public sealed class Durability : IDisposable
{
    private readonly string _logPath;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<SafeFileHandle> _tracked = [];
    private readonly Thread? _flusher;
    private List<TaskCompletionSource> _waiting = [];
    private bool _requested;
    private SafeFileHandle? _log;
    private long _flushes;

    public Durability(string dataFile, bool enabled)
    {
        var full = Path.GetFullPath(dataFile);
        // LiteDB names its write-ahead file after the data file: jasmine.db → jasmine-log.db, beside it.
        _logPath = Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + "-log" + Path.GetExtension(full));
        Enabled = enabled;
        // A thread of its own, blocked in its wait and in fsync: on the thread pool it would queue behind the very
        // requests it holds back, and a busy host would wait longest for the fsync that would release them.
        if (enabled)
        {
            _flusher = new Thread(Run) { IsBackground = true, Name = "jasmine-fsync" };
            _flusher.Start();
        }
    }

    /// <summary><c>Jasmine:Store:Durable</c>: off, a commit is kept by the kernel only (it survives kill -9, not a power cut).</summary>
    public bool Enabled { get; }

    /// <summary>The file LiteDB writes its commits to.</summary>
    public string LogPath => _logPath;

    /// <summary>fsyncs done so far (each covers every commit of its group).</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>Test hook: runs on the flusher before each fsync, with the number of callers that fsync will release.</summary>
    internal Func<int, Task>? BeforeFlush { get; set; }

    /// <summary>Another file whose writes must reach the disk with the store's (the outbox's sent-journal); its writer calls <see cref="RequestFlush"/>.</summary>
    public void Track(SafeFileHandle handle)
    {
        lock (_gate) _tracked.Add(handle);
    }

    /// <summary>
    /// Completes once everything committed before this call is on the disk. Call it after the commit, outside the
    /// store's lock, and answer the sender only then.
    /// </summary>
    public Task WhenDurableAsync()
    {
        if (!Enabled) return Task.CompletedTask;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_stop.IsCancellationRequested) throw new ObjectDisposedException(nameof(Durability));
            _waiting.Add(done);
        }
        Wake();
        return done.Task;
    }

    /// <summary>Asks for an fsync soon, tracked files included, without waiting for it (what the dispatcher deletes after a send).</summary>
    public void RequestFlush()
    {
        if (!Enabled) return;
        lock (_gate) _requested = true;
        Wake();
    }

    private void Wake()
    {
        try { if (_wake.CurrentCount == 0) _wake.Release(); }
        catch (SemaphoreFullException) { }
    }

    private void Run()
    {
        while (true)
        {
            try { _wake.Wait(_stop.Token); }
            catch (OperationCanceledException) { break; }
            FlushGroup();
        }
        // Stopping: whoever still waits gets the last fsync.
        FlushGroup();
    }

    private void FlushGroup()
    {
        List<TaskCompletionSource> group;
        bool requested;
        lock (_gate)
        {
            if (_waiting.Count == 0 && !_requested) return;
            group = _waiting;
            _waiting = [];
            requested = _requested;
            _requested = false;
        }
        try
        {
            BeforeFlush?.Invoke(group.Count).GetAwaiter().GetResult();
            // A turn's commit is all in LiteDB's file; the other files are written only by those who ask with RequestFlush.
            FlushToDisk(alsoTracked: requested);
            Interlocked.Increment(ref _flushes);
            foreach (var done in group) done.TrySetResult();
        }
        catch (Exception e)
        {
            // The sender gets an error (a webhook answers 500 and is re-delivered): never a success we cannot keep.
            foreach (var done in group) done.TrySetException(e);
        }
    }

    private void FlushToDisk(bool alsoTracked)
    {
        // Opened on first use: a new store has no write-ahead file until its first commit.
        if (_log is null && File.Exists(_logPath))
            _log = File.OpenHandle(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (_log is not null) RandomAccess.FlushToDisk(_log);
        if (!alsoTracked) return;
        SafeFileHandle[] tracked;
        lock (_gate) tracked = [.. _tracked];
        foreach (var handle in tracked)
            if (!handle.IsClosed) RandomAccess.FlushToDisk(handle);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
        }
        _flusher?.Join(TimeSpan.FromSeconds(10));
        _log?.Dispose();
        _stop.Dispose();
    }
}
