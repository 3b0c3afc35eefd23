using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Try;

/// <summary>
/// The try-it chat answers a few people on a developer's machine: per conversation and per IP address a fixed
/// number of messages a minute, so a script cannot use it to hammer the store or drain look-ups.
/// </summary>
public sealed class TryRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<(string Session, string Ip)> _send;
    private readonly PartitionedRateLimiter<string> _poll;

    public TryRateLimits(IOptions<JasmineOptions> options)
    {
        var o = options.Value.TryIt;
        _send = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<(string Session, string Ip), string>(k => RateLimitPartition.GetFixedWindowLimiter(k.Session, _ => Window(o.PerSessionPerMinute))),
            PartitionedRateLimiter.Create<(string Session, string Ip), string>(k => RateLimitPartition.GetFixedWindowLimiter(k.Ip, _ => Window(o.PerAddressPerMinute))));
        // The page polls every 3 s: twenty a minute per open tab.
        _poll = PartitionedRateLimiter.Create<string, string>(ip => RateLimitPartition.GetFixedWindowLimiter(ip, _ => Window(Math.Max(60, o.PerAddressPerMinute * 2))));
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = Math.Max(1, permits),
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    public static string Ip(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public bool TrySend(string session, HttpContext context)
    {
        using var lease = _send.AttemptAcquire((session, Ip(context)));
        return lease.IsAcquired;
    }

    public bool TryPoll(HttpContext context)
    {
        using var lease = _poll.AttemptAcquire(Ip(context));
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        _send.Dispose();
        _poll.Dispose();
    }
}
