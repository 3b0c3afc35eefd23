using System.Collections.Concurrent;

namespace Jasmine.Bots.Channels.Outbox;

/// <summary>Sending limits of one channel: messages per second for the whole bot and per conversation.</summary>
public sealed class ChannelLimit
{
    public double PerSecond { get; set; } = 30;
    /// <summary>0 = no per-conversation limit.</summary>
    public double PerConversationPerSecond { get; set; }
    /// <summary>Messages a conversation may receive at once before the per-conversation pace applies (a turn's few replies).</summary>
    public int ConversationBurst { get; set; } = 3;
}

/// <summary>
/// Paces sends so a channel's limits are never crossed (Telegram: ~30 msg/s per bot, ~1 msg/s per chat): each
/// send takes the next free slot of an ideal schedule, so the long-run rate is exactly the limit, without the
/// bursts a refilling bucket allows, and without waiting for a 429 to learn it.
/// </summary>
/// <remarks>
/// The schedule alone is not enough when our limit equals the server's: a request delayed by a millisecond on its
/// way lands in the same server-side second as the one sent a second after it, and the server counts N+1. So each
/// channel also holds N permits (N = PerSecond): a send takes one before it starts and gives it back one second
/// after it completed. The server saw the request between those two instants, so no second of its clock can see
/// more than N of ours, whatever the network jitter; the cost is one round trip per second of sending.
/// </remarks>
public sealed class ChannelPacer(IReadOnlyDictionary<string, ChannelLimit> limits, TimeProvider time)
{
    // Timers may fire a tick early and the server's "second" may be measured a little differently from ours.
    private static readonly TimeSpan WindowMargin = TimeSpan.FromMilliseconds(5);
    private readonly ConcurrentDictionary<string, SlotClock> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _windows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConversationClock> _conversations = new(StringComparer.Ordinal);

    /// <summary>Waits for the next slot; the caller must call <see cref="Release"/> once the send has completed (or failed).</summary>
    public async Task WaitAsync(string scheme, string conversation, CancellationToken ct)
    {
        if (!limits.TryGetValue(scheme, out var limit)) return;
        var now = time.GetTimestamp();
        var at = now;
        if (limit.PerConversationPerSecond > 0)
        {
            var clock = _conversations.GetOrAdd(conversation, _ => new ConversationClock());
            at = Math.Max(at, clock.Take(now, limit, TicksPer(limit.PerConversationPerSecond)));
        }
        if (limit.PerSecond > 0)
        {
            var channel = _channels.GetOrAdd(scheme, _ => new SlotClock());
            while (true)
            {
                var slot = channel.Take(at, TicksPer(limit.PerSecond));
                var wait = time.GetElapsedTime(time.GetTimestamp(), slot);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, ct);
                // The channel told us to stop (429) after this slot was handed out: take a slot after the pause.
                if (channel.PausedUntil <= time.GetTimestamp()) break;
                at = channel.PausedUntil;
            }
            await Window(scheme, limit).WaitAsync(ct);
        }
        else if (at > now)
        {
            await Task.Delay(time.GetElapsedTime(now, at), time, ct);
        }
        if (_conversations.Count > 50_000) Trim(now);
    }

    /// <summary>The send that followed <see cref="WaitAsync"/> is over: its permit comes back one second from now.</summary>
    public void Release(string scheme)
    {
        if (!limits.TryGetValue(scheme, out var limit) || limit.PerSecond <= 0) return;
        var window = Window(scheme, limit);
        _ = Task.Delay(TimeSpan.FromSeconds(1) + WindowMargin, time).ContinueWith(_ => window.Release(), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The channel refused for flooding (429): nothing more goes out on it for <paramref name="duration"/>.</summary>
    public void Pause(string scheme, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero) return;
        var until = time.GetTimestamp() + (long)(duration.TotalSeconds * time.TimestampFrequency);
        _channels.GetOrAdd(scheme, _ => new SlotClock()).PauseUntil(until);
    }

    private SemaphoreSlim Window(string scheme, ChannelLimit limit) =>
        _windows.GetOrAdd(scheme, _ => { var n = Math.Max(1, (int)Math.Floor(limit.PerSecond)); return new SemaphoreSlim(n, n); });

    private long TicksPer(double perSecond) => (long)(time.TimestampFrequency / perSecond);

    private void Trim(long now)
    {
        foreach (var (key, clock) in _conversations)
            if (clock.IdleSince(now, time.TimestampFrequency * 60)) _conversations.TryRemove(key, out _);
    }

    private sealed class SlotClock
    {
        private long _next;
        private long _pausedUntil;
        private readonly Lock _gate = new();

        public long PausedUntil => Volatile.Read(ref _pausedUntil);

        public void PauseUntil(long until)
        {
            lock (_gate)
            {
                _pausedUntil = Math.Max(_pausedUntil, until);
                _next = Math.Max(_next, until);
            }
        }

        /// <summary>The first free slot at or after <paramref name="notBefore"/>; the slot after it is one interval later.</summary>
        public long Take(long notBefore, long interval)
        {
            lock (_gate)
            {
                var slot = Math.Max(notBefore, _next);
                _next = slot + interval;
                return slot;
            }
        }
    }

    private sealed class ConversationClock
    {
        private readonly Queue<long> _recent = new();
        private long _last;
        private readonly Lock _gate = new();

        public long Take(long now, ChannelLimit limit, long interval)
        {
            lock (_gate)
            {
                // A burst of a few is fine (a question and its follow-up); beyond it, one per interval.
                while (_recent.Count > 0 && _recent.Peek() + interval * limit.ConversationBurst <= now) _recent.Dequeue();
                var slot = _recent.Count < limit.ConversationBurst ? Math.Max(now, _last) : Math.Max(now, _last + interval);
                _recent.Enqueue(slot);
                if (_recent.Count > limit.ConversationBurst) _recent.Dequeue();
                _last = slot;
                return slot;
            }
        }

        public bool IdleSince(long now, long ticks)
        {
            lock (_gate) return _last + ticks < now;
        }
    }
}
