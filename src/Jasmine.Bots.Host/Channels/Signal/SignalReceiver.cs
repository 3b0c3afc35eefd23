using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Signal;

/// <summary>
/// Polls <c>GET /v1/receive</c> (signal-cli-rest-api in normal or native mode; in json-rpc mode, where that path is a
/// WebSocket, it waits and tells the admin what to change, see <see cref="IsJsonRpcAsync"/>) and hands each direct text to <see cref="ISignalInboundHandler"/>. Logs counts and
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
    private bool _trustModeSet;
    private int _maxMessages;

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
        _maxMessages = _options.MaxMessages;
        var failures = 0;
        logger.LogInformation("Signal receiver started (polling, {TimeoutSeconds} s long poll)", _options.ReceiveTimeoutSeconds);

        var checkMode = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            SignalBatch batch;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var client = scope.ServiceProvider.GetRequiredService<SignalApiClient>();
                // Hosts sharing one database poll one at a time: two pollers would each take part of a conversation's
                // messages and could answer them out of order. The lease is renewed at every poll.
                if (scope.ServiceProvider.GetService<Outbox.Claims>() is { Enabled: true } claims && !claims.TryClaim("signal:receive"))
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                    continue;
                }
                if (checkMode)
                {
                    if (await IsJsonRpcAsync(client, stoppingToken))
                    {
                        await Task.Delay(_options.MaxBackoff, stoppingToken);
                        continue;
                    }
                    checkMode = false;
                }
                if (!_trustModeSet) _trustModeSet = await SetTrustModeAsync(client, stoppingToken);
                batch = await client.ReceiveBatchAsync(_maxMessages, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Whatever went wrong (refused, 4xx/5xx, timeout, truncated body), the only sensible move is to wait
                // and poll again: the receiver must outlive outages of the API container (which may come back in
                // another mode: it is asked again).
                failures++;
                checkMode = true;
                var delay = backoff.Next();
                if (ex is SignalApiException { Kind: SignalErrorKind.Killed } && _maxMessages > 1)
                {
                    // The API killed signal-cli mid-receive: ask for fewer messages, so the next one finishes in time.
                    _maxMessages = Math.Max(1, _maxMessages / 2);
                    logger.LogWarning("signal-cli was killed during a receive; asking for at most {MaxMessages} message(s) per receive", _maxMessages);
                }
                // Only the status code and error kind: exception messages can carry the request URL (our number).
                logger.LogWarning(
                    "Signal receive failed (status {StatusCode}, {ErrorKind}), attempt {Failures}, retrying in {DelayMs} ms",
                    ex is HttpRequestException { StatusCode: { } code } ? (int)code : null,
                    ex switch
                    {
                        SignalApiException api => api.Kind.ToString(),
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

            // A receive that finished with room to spare: back towards the configured size.
            if (_maxMessages < _options.MaxMessages && batch.Items < _maxMessages) _maxMessages = Math.Min(_options.MaxMessages, _maxMessages * 2);
            Report(batch);
            await HandleIdentityChangesAsync(batch.IdentityChanges, stoppingToken);
            await DeliverAsync(MergeEdits(batch.Messages), stoppingToken);
        }

        logger.LogInformation("Signal receiver stopped");
    }

    /// <summary>
    /// json-rpc mode hands each incoming message to whichever WebSocket listens at that instant: what arrives while
    /// the host restarts is taken off Signal's servers and lost. Polling in normal or native mode loses nothing, so
    /// the receiver waits, saying what to change, instead of half-working.
    /// </summary>
    private async Task<bool> IsJsonRpcAsync(SignalApiClient client, CancellationToken ct)
    {
        if (await client.GetAboutAsync(ct) is not { Mode: "json-rpc" }) return false;
        if (!_jsonRpcSaid)
        {
            logger.LogError("ADMIN ACTION NEEDED: signal-cli-rest-api runs in json-rpc mode, where messages that arrive while this host " +
                "is not connected are lost. Run the container with MODE=normal or MODE=native (see docs/signal.md); receiving waits until then.");
            _jsonRpcSaid = true;
        }
        return true;
    }

    private bool _jsonRpcSaid;

    /// <summary>signal-cli's own trust mode follows Signal:TrustMode (always, or on-first-use so changes are seen).</summary>
    private async Task<bool> SetTrustModeAsync(SignalApiClient client, CancellationToken ct)
    {
        var mode = _options.TrustMode == SignalTrustModes.Always ? "always" : "on-first-use";
        var result = await client.SetTrustModeAsync(mode, ct);
        if (result.Succeeded) logger.LogInformation("signal-cli trust mode set to {TrustMode}", mode);
        // Refused for good (an API without the endpoint): do not ask at every poll.
        return result.Status != SignalSendStatus.RetryLater;
    }

    /// <summary>Counts only, by kind: what a receive held that is not a text, and what could not be read at all.</summary>
    private void Report(SignalBatch batch)
    {
        if (batch.Unreadable > 0)
            logger.LogWarning("Signal receive: {Unreadable} unreadable stretch(es) (signal-cli output that is not JSON) skipped, {Messages} text(s) kept",
                batch.Unreadable, batch.Messages.Count);
        foreach (var (type, count) in batch.Exceptions)
            logger.LogWarning("Signal receive: {Count} item(s) with a signal-cli exception of type {ExceptionType}", count, type);
        if (batch.Skipped.Count > 0)
            logger.LogDebug("Signal receive: skipped {Skipped}", string.Join(", ", batch.Skipped.Select(p => $"{p.Key}={p.Value}")));
    }

    private async Task HandleIdentityChangesAsync(IReadOnlyList<SignalIdentityChange> changes, CancellationToken ct)
    {
        foreach (var change in changes.DistinctBy(c => c.Source))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var urn = scope.ServiceProvider.GetService<Members.MemberService>() is { } members
                    ? members.ResolveSignal(change.SourceUuid, change.SourceNumber)
                    : Members.Urns.Signal(change.Source);
                if (scope.ServiceProvider.GetService<SignalIdentityChanges>() is { } identities) await identities.ChangedAsync(urn, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError("Signal identity change handling threw {ExceptionType}", ex.GetType().FullName);
            }
        }
    }

    /// <summary>
    /// An edit whose original is in the same batch replaces the original's text (one turn, with the words she
    /// meant); an edit of a message already handled is handled as her next message, with the new text.
    /// </summary>
    internal static IReadOnlyList<SignalInbound> MergeEdits(IReadOnlyList<SignalInbound> messages)
    {
        if (!messages.Any(m => m.EditOf is not null)) return messages;
        var result = new List<SignalInbound>(messages.Count);
        foreach (var message in messages)
        {
            if (message.EditOf is { } target)
            {
                var original = result.FindLastIndex(m => m.Source == message.Source && (m.Timestamp == target || m.EditOf == target));
                if (original >= 0)
                {
                    result[original] = result[original] with { Text = message.Text };
                    continue;
                }
            }
            result.Add(message);
        }
        return result;
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
            if (!_seen.Add((message.Source, message.Timestamp)))
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
