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
public sealed class ChannelPacer(IReadOnlyDictionary<string, ChannelLimit> limits, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SlotClock> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConversationClock> _conversations = new(StringComparer.Ordinal);

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
        if (limit.PerSecond > 0) at = _channels.GetOrAdd(scheme, _ => new SlotClock()).Take(at, TicksPer(limit.PerSecond));
        var wait = time.GetElapsedTime(now, at);
        if (at > now && wait > TimeSpan.Zero) await Task.Delay(wait, time, ct);
        if (_conversations.Count > 50_000) Trim(now);
    }

    private long TicksPer(double perSecond) => (long)(time.TimestampFrequency / perSecond);

    private void Trim(long now)
    {
        foreach (var (key, clock) in _conversations)
            if (clock.IdleSince(now, time.TimestampFrequency * 60)) _conversations.TryRemove(key, out _);
    }

    private sealed class SlotClock
    {
        private long _next;
        private readonly Lock _gate = new();

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
