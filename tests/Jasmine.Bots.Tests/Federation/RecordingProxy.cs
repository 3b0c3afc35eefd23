using System.Net;
using System.Net.Sockets;

namespace Jasmine.Bots.Tests.Federation;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a real host that keeps every byte each way: what a network observer (or the
/// partner itself) sees of a federated look-up.
/// </summary>
public sealed class RecordingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly MemoryStream _sent = new();
    private readonly MemoryStream _received = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];

    public RecordingProxy(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        _tasks.Add(AcceptAsync());
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    private TaskCompletionSource? _hold;
    private int _held;

    /// <summary>From now on, requests reach the host only after <see cref="Resume"/>: a partner that is slow to answer.</summary>
    public void Hold() => Interlocked.Exchange(ref _hold, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Resume() => Interlocked.Exchange(ref _hold, null)?.TrySetResult();

    /// <summary>Pieces of requests waiting at the relay because of <see cref="Hold"/>.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Everything clients sent to the host (the requests).</summary>
    public byte[] Sent { get { lock (_sent) return _sent.ToArray(); } }
    /// <summary>Everything the host sent back.</summary>
    public byte[] Received { get { lock (_received) return _received.ToArray(); } }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            lock (_tasks) _tasks.Add(RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(_target, _stop.Token);
                var a = PumpAsync(client.GetStream(), upstream.GetStream(), _sent, holdable: true);
                var b = PumpAsync(upstream.GetStream(), client.GetStream(), _received, holdable: false);
                await Task.WhenAny(a, b);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException) { }
        }
    }

    private async Task PumpAsync(Stream from, Stream to, MemoryStream record, bool holdable)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReadAsync(buffer, _stop.Token);
                if (n == 0) return;
                if (holdable && Volatile.Read(ref _hold) is { } hold)
                {
                    Interlocked.Increment(ref _held);
                    try { await hold.Task.WaitAsync(_stop.Token); }
                    finally { Interlocked.Decrement(ref _held); }
                }
                lock (record) record.Write(buffer, 0, n);
                await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] tasks;
        lock (_tasks) tasks = [.. _tasks];
        try { await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(5)); } catch (TimeoutException) { }
        _stop.Dispose();
    }
}
