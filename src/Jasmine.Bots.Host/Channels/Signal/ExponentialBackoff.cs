namespace Jasmine.Bots.Channels.Signal;

/// <summary>Doubling delays with ±20 % jitter, capped; jitter keeps several bots from hammering a recovering API
/// in lockstep.</summary>
internal sealed class ExponentialBackoff(TimeSpan initial, TimeSpan max, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private readonly TimeSpan _initial = initial;
    private TimeSpan _next = initial;

    public TimeSpan Next()
    {
        var current = _next;
        _next = current * 2 < max ? current * 2 : max;
        var jittered = current * (0.8 + 0.4 * _random.NextDouble());
        return jittered < max ? jittered : max;
    }

    public void Reset() => _next = _initial;
}
