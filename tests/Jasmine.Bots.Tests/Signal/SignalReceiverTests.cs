using Jasmine.Bots.Tests.Support;
using Jasmine.Bots.Channels.Signal;
using Jasmine.Bots.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Jasmine.Bots.Tests.Signal;

public sealed class SignalReceiverTests : IAsyncLifetime
{
    private const string Her = "+33612345678";
    private const string Him = "+33687654321";
    private FakeSignalServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeSignalServer.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task Texts_are_handed_to_the_handler_once_and_everything_else_is_dropped()
    {
        var handler = new CollectingHandler();
        using var host = SignalTestHost.Build(_fake, handler);
        await host.StartAsync();

        var ts = _fake.EnqueueText(Her, "j'ai besoin d'aide");
        _fake.EnqueueReceipt(Her, ts);
        _fake.EnqueueTyping(Him);
        _fake.EnqueueGroupText(Him, "Z3JvdXA=", "group chatter");
        _fake.EnqueueTextFromHiddenNumber("a1b2c3d4-0000-4000-8000-000000000009", "hidden");  // phone number privacy: uuid only
        _fake.EnqueueText(Him, "salut");
        _fake.EnqueueText(Her, "j'ai besoin d'aide", ts);  // the same envelope delivered again

        await handler.WaitForCountAsync(3);
        await WaitUntilAsync(() => _fake.PendingEnvelopes == 0 && _fake.ReceiveCalls >= 2);
        await host.StopAsync();

        Assert.Equal([(Her, "j'ai besoin d'aide"), (null, "hidden"), (Him, "salut")], handler.Received.Select(m => (m.SourceNumber, m.Text)));
        Assert.Equal("a1b2c3d4-0000-4000-8000-000000000009", handler.Received[1].SourceUuid);
    }

    [Fact]
    public async Task Delivery_resumes_after_the_api_goes_away_and_comes_back_on_the_same_port()
    {
        var handler = new CollectingHandler();
        using var host = SignalTestHost.Build(_fake, handler);
        await host.StartAsync();
        _fake.EnqueueText(Her, "avant");
        await handler.WaitForCountAsync(1);

        var port = _fake.Port;
        await _fake.StopAsync();
        _fake.EnqueueText(Her, "pendant");  // Signal keeps messages server-side while signal-cli is down
        await Task.Delay(600);              // several refused attempts at the 50–200 ms test backoff
        var callsWhileDown = _fake.ReceiveCalls;
        await _fake.RestartAsync();
        _fake.EnqueueText(Him, "après");

        await handler.WaitForCountAsync(3);
        await host.StopAsync();

        Assert.Equal(port, _fake.Port);
        Assert.Equal(["avant", "pendant", "après"], handler.Received.Select(m => m.Text));
        Assert.True(_fake.ReceiveCalls > callsWhileDown);
    }

    [Fact]
    public async Task Server_errors_are_retried_until_receive_works_again()
    {
        var handler = new CollectingHandler();
        _fake.FailNextReceives(3, 500);
        _fake.EnqueueText(Her, "ok");
        using var host = SignalTestHost.Build(_fake, handler);
        await host.StartAsync();

        await handler.WaitForCountAsync(1);
        await host.StopAsync();

        Assert.True(_fake.ReceiveCalls >= 4);
    }

    [Fact]
    public async Task In_json_rpc_mode_it_says_what_to_change_receives_nothing_and_starts_once_the_api_polls_again()
    {
        var handler = new CollectingHandler();
        var logs = new LogCapture();
        _fake.Mode = "json-rpc";
        _fake.EnqueueText(Her, "waiting");
        using var host = SignalTestHost.Build(_fake, handler, logs);
        await host.StartAsync();

        await Eventually.True(() => logs.Lines.Any(l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("MODE=normal", StringComparison.Ordinal)), "the admin told what to change");
        await Task.Delay(500);
        Assert.Equal(0, _fake.ReceiveCalls);
        Assert.Empty(handler.Received);
        Assert.Single(logs.Lines, l => l.Contains("ADMIN ACTION NEEDED", StringComparison.Ordinal));

        // The container restarted with MODE=normal: the message that waited on Signal's side arrives.
        _fake.Mode = "normal";
        await handler.WaitForCountAsync(1);
        await host.StopAsync();
        Assert.Equal(["waiting"], handler.Received.Select(m => m.Text));
    }

    [Fact]
    public async Task A_handler_that_throws_does_not_stop_the_loop()
    {
        var handler = new CollectingHandler { ThrowOn = "boom" };
        using var host = SignalTestHost.Build(_fake, handler);
        await host.StartAsync();

        _fake.EnqueueText(Her, "boom");
        await handler.WaitForCountAsync(1);
        _fake.EnqueueText(Her, "after");
        await handler.WaitForCountAsync(2);
        await host.StopAsync();

        Assert.Equal(["boom", "after"], handler.Received.Select(m => m.Text));
    }

    [Fact]
    public async Task Stopping_the_host_ends_a_pending_long_poll_promptly()
    {
        using var host = SignalTestHost.Build(_fake, new CollectingHandler());
        await host.StartAsync();
        await WaitUntilAsync(() => _fake.ReceiveCalls >= 1);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await host.StopAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(2), $"stop took {stopping.Elapsed}");
    }

    [Fact]
    public async Task Without_configuration_the_receiver_stays_idle_and_the_sender_is_disabled()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddSignal();
        using var host = builder.Build();
        await host.StartAsync();
        await Task.Delay(200);
        await host.StopAsync();

        Assert.Equal(0, _fake.ReceiveCalls);
        var signal = Assert.Single(host.Services.GetServices<Jasmine.Bots.Channels.IChannelSender>(), s => s.Scheme == "signal");
        Assert.False(signal.IsEnabled);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/", null)]
    [InlineData("http://127.0.0.1:9/", "0612345678")]
    [InlineData("not a url", "+33100000001")]
    public async Task A_half_or_wrong_configuration_fails_at_start(string? baseUrl, string? number)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Signal:ApiBaseUrl"] = baseUrl,
            ["Signal:Number"] = number,
        });
        builder.Services.AddSingleton<ISignalInboundHandler>(new CollectingHandler());
        builder.AddSignal();
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("Signal:", error.Message);
        if (number is not null)
        {
            Assert.DoesNotContain(number, error.Message);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
