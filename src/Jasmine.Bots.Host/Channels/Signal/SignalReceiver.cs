using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Signal;

/// <summary>
/// Polls <c>GET /v1/receive</c> (signal-cli-rest-api in normal or native mode; json-rpc mode, where that path is a
/// WebSocket, is not supported) and hands each direct text to <see cref="ISignalInboundHandler"/>. Logs counts and
/// status codes only, never numbers or texts.
/// </summary>
public sealed class SignalReceiver(
    IServiceScopeFactory scopes,
    IServiceProviderIsService registrations,
    IOptions<SignalOptions> options,
    ILogger<SignalReceiver> logger) : BackgroundService
{
    // signal-cli acknowledges what it hands out, but a retried envelope (e.g. after a crash mid-receive, or a
    // resend by the sender's device) must not start a second conversation turn.
    private const int DeduplicationWindow = 4096;

    private readonly SignalOptions _options = options.Value;
    private readonly RecentKeys<(string Source, long Timestamp)> _seen = new(DeduplicationWindow);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered always, enabled only when configured: configuration may come late (tests, reloads).
        if (!_options.IsConfigured) return Task.CompletedTask;
        if (!registrations.IsService(typeof(ISignalInboundHandler)))
        {
            throw new InvalidOperationException(
                $"Signal is configured but no {nameof(ISignalInboundHandler)} is registered: register the conversation " +
                "layer's handler before starting the host, or remove the Signal configuration.");
        }
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = new ExponentialBackoff(_options.InitialBackoff, _options.MaxBackoff);
        var failures = 0;
        logger.LogInformation("Signal receiver started (polling, {TimeoutSeconds} s long poll)", _options.ReceiveTimeoutSeconds);

        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<SignalInbound> messages;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                messages = await scope.ServiceProvider.GetRequiredService<SignalApiClient>().ReceiveAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Whatever went wrong (refused, 4xx/5xx, timeout, truncated body), the only sensible move is to wait
                // and poll again: the receiver must outlive outages of the API container.
                failures++;
                var delay = backoff.Next();
                // Only the status code and error kind: exception messages can carry the request URL (our number).
                logger.LogWarning(
                    "Signal receive failed (status {StatusCode}, {ErrorKind}), attempt {Failures}, retrying in {DelayMs} ms",
                    ex is HttpRequestException { StatusCode: { } code } ? (int)code : null,
                    ex switch
                    {
                        HttpRequestException http => http.HttpRequestError.ToString(),
                        OperationCanceledException => "Timeout",
                        _ => ex.GetType().Name,
                    },
                    failures,
                    (long)delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }

            if (failures > 0)
            {
                logger.LogInformation("Signal receive recovered after {Failures} failed attempt(s)", failures);
                failures = 0;
                backoff.Reset();
            }

            await DeliverAsync(messages, stoppingToken);
        }

        logger.LogInformation("Signal receiver stopped");
    }

    private async Task DeliverAsync(IReadOnlyList<SignalInbound> messages, CancellationToken stoppingToken)
    {
        var delivered = 0;
        var duplicates = 0;
        foreach (var message in messages)
        {
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            // Marked before handling: a handler that throws would most likely throw again, and a half-done turn
            // should not be replayed.
            if (!_seen.Add((message.SourceNumber, message.Timestamp)))
            {
                duplicates++;
                continue;
            }
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ISignalInboundHandler>().HandleAsync(message, stoppingToken);
                delivered++;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The exception itself is not logged: its message may quote the text. Type and stack trace are enough
                // to find the bug.
                logger.LogError("Signal inbound handler threw {ExceptionType} at {StackTrace}", ex.GetType().FullName, ex.StackTrace);
            }
        }

        if (messages.Count > 0)
        {
            logger.LogDebug("Signal receive: {Received} text(s), {Delivered} handled, {Duplicates} duplicate(s)",
                messages.Count, delivered, duplicates);
        }
    }
}
