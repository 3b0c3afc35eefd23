namespace Jasmine.Bots.Tests.Support;

public static class Eventually
{
    /// <summary>Waits for something the host does in the background (the outbox sending), failing after a timeout.</summary>
    public static async Task True(Func<bool> condition, string because, int timeoutMs = 20_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("Timed out waiting: " + because);
            await Task.Delay(20);
        }
    }
}
