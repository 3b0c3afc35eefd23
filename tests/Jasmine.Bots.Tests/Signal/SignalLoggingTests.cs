using Jasmine.Bots.Channels.Signal;
using Jasmine.Bots.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Jasmine.Bots.Tests.Signal;

public sealed class SignalLoggingTests
{
    private const string Her = "+33612345678";
    private const string Him = "+33687654321";
    private const string Inbound = "je suis au 12 rue Secrète, il est violent";
    private const string Outbound = "réponse confidentielle 4242";

    [Fact]
    public async Task No_phone_number_or_message_text_reaches_the_logs_even_at_trace_level()
    {
        await using var fake = await FakeSignalServer.StartAsync();
        var logs = new Jasmine.Bots.Tests.Support.LogCapture();
        var handler = new CollectingHandler { ThrowOn = Inbound };
        using var host = SignalTestHost.Build(fake, handler, logs);
        await host.StartAsync();

        fake.EnqueueText(Her, Inbound);          // the handler throws with the text and number in its message
        fake.EnqueueText(Him, "deuxième texte privé");
        await handler.WaitForCountAsync(2);

        var client = host.Services.GetRequiredService<SignalApiClient>();
        Assert.Equal(SignalSendStatus.Sent, (await client.SendAsync(Her, Outbound, CancellationToken.None)).Status);
        fake.FailNextSends(1, 429);
        await client.SendAsync(Her, Outbound, CancellationToken.None);
        // Normal mode: signal-cli's text, which names her, comes back in the 400.
        fake.FailNextSendsWith(1, fake.SendFailureOutput(Her, "RATE_LIMIT_FAILURE"));
        await client.SendAsync(Her, Outbound, CancellationToken.None);
        fake.FailNextRemoteDeletesWith(1, "Network failure for \"" + Her + "\"");
        await client.RemoteDeleteAsync(fake.UuidOf(Her), 1, CancellationToken.None);
        fake.EnqueueStackTrace();
        fake.EnqueueException(Him, "UntrustedIdentityException", "Untrusted identity for " + Him);
        fake.MarkUnregistered(Him);
        await client.SendAsync(Him, Outbound, CancellationToken.None);
        await client.SetDisappearingAsync(Her, 3600, CancellationToken.None);
        await client.RemoteDeleteAsync(Her, 1, CancellationToken.None);

        fake.FailNextReceives(2, 400);
        await Task.Delay(400);
        await fake.StopAsync();
        await client.SendAsync(Her, Outbound, CancellationToken.None);
        await Task.Delay(400);
        await fake.RestartAsync();
        fake.EnqueueText(Him, "troisième texte privé");
        await handler.WaitForCountAsync(3);
        await host.StopAsync();

        var lines = logs.Lines;
        Assert.Contains(lines, l => l.Contains("Signal receive failed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Signal send answered 429", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("InvalidOperationException", StringComparison.Ordinal));
        string[] secrets = [Her, Him, fake.UuidOf(Her), fake.UuidOf(Him), fake.Account, "33612345678", "33687654321", "33100000001", Inbound, "rue Secrète", Outbound, "deuxième texte privé", "troisième texte privé"];
        foreach (var line in lines)
        {
            foreach (var secret in secrets)
            {
                Assert.False(line.Contains(secret, StringComparison.OrdinalIgnoreCase), $"log line leaks '{secret}': {line}");
            }
        }
    }
}
