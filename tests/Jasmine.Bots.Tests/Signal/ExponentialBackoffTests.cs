using Jasmine.Bots.Channels.Signal;

namespace Jasmine.Bots.Tests.Signal;

public sealed class ExponentialBackoffTests
{
    [Fact]
    public void Delays_double_from_one_second_up_to_a_minute_within_the_jitter()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(7));

        var delays = Enumerable.Range(0, 10).Select(_ => backoff.Next().TotalSeconds).ToList();

        double[] expected = [1, 2, 4, 8, 16, 32, 60, 60, 60, 60];
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.InRange(delays[i], expected[i] * 0.8, Math.Min(expected[i] * 1.2, 60));
        }
    }

    [Fact]
    public void Reset_starts_again_from_the_initial_delay()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        for (var i = 0; i < 5; i++)
        {
            backoff.Next();
        }

        backoff.Reset();

        Assert.InRange(backoff.Next().TotalSeconds, 0.8, 1.2);
    }

    [Fact]
    public void Recent_keys_forget_the_oldest_beyond_capacity()
    {
        var keys = new RecentKeys<int>(2);

        Assert.True(keys.Add(1));
        Assert.False(keys.Add(1));
        Assert.True(keys.Add(2));
        Assert.True(keys.Add(3));
        Assert.True(keys.Add(1));
        Assert.False(keys.Add(3));
    }
}
