using System.Collections.Concurrent;
using Jasmine.Bots.Channels.Signal;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Jasmine.Bots.Tests.Signal;

internal sealed class CollectingHandler : ISignalInboundHandler
{
    private readonly ConcurrentQueue<SignalInbound> _received = new();

    /// <summary>Throws (after recording) for texts equal to this, to prove the loop survives.</summary>
    public string? ThrowOn { get; init; }

    public IReadOnlyList<SignalInbound> Received => [.. _received];

    public Task HandleAsync(SignalInbound message, CancellationToken ct)
    {
        _received.Enqueue(message);
        return message.Text == ThrowOn
            ? throw new InvalidOperationException($"handler failed on '{message.Text}' from {message.SourceNumber}")
            : Task.CompletedTask;
    }

    public async Task WaitForCountAsync(int count, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (_received.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"expected {count} message(s), got {_received.Count}");
            }
            await Task.Delay(20);
        }
    }
}

internal static class SignalTestHost
{
    /// <summary>A host wired exactly like production (AddSignal), pointed at the fake, with fast backoff.</summary>
    public static IHost Build(FakeSignalServer fake, ISignalInboundHandler? handler, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Signal:ApiBaseUrl"] = fake.BaseUrl.ToString(),
            ["Signal:Number"] = fake.Account,
            ["Signal:ReceiveTimeoutSeconds"] = "1",
            ["Signal:InitialBackoff"] = "00:00:00.050",
            ["Signal:MaxBackoff"] = "00:00:00.200",
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        if (handler is not null)
        {
            builder.Services.AddSingleton(handler);
        }
        builder.AddSignal();
        return builder.Build();
    }
}

/// <summary>The real host wired to the signal-cli-rest-api fake, started, as the Signal end-to-end tests use it.</summary>
internal static class SignalHosts
{
    public static JasmineFactory Start(FakeSignalServer signal)
    {
        var host = new JasmineFactory(new()
        {
            ["Signal:ApiBaseUrl"] = signal.BaseUrl.ToString(),
            ["Signal:Number"] = signal.Account,
            ["Signal:ReceiveTimeoutSeconds"] = "1",
            ["Channels:Limits:signal:PerSecond"] = "1000",
        });
        _ = host.Services; // start the receiver now
        return host;
    }
}
