using Jasmine.Bots.Channels.Signal;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Jasmine.Bots.Channels.Telegram;

/// <summary>
/// Development mode: asks Telegram for updates instead of receiving a webhook, so no public URL is needed. Same
/// handler as the webhook. Telegram refuses getUpdates while a webhook is set, so the webhook is removed first.
/// </summary>
public sealed class TelegramPolling(ITelegramBotClient bot, TelegramUpdateHandler handler, ILogger<TelegramPolling> logger) : BackgroundService
{
    internal static readonly UpdateType[] AllowedUpdates = [UpdateType.Message, UpdateType.CallbackQuery];
    private const int PollSeconds = 25;
    /// <summary>An update that keeps failing is skipped after this many tries rather than blocking every later one.</summary>
    private const int MaxTriesPerUpdate = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await bot.DeleteWebhook(cancellationToken: stoppingToken);
                logger.LogInformation("Telegram polling started (webhook removed)");
                break;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("deleteWebhook failed with {ExceptionType}; retrying", e.GetType().Name);
                await DelayAsync(backoff.Next(), stoppingToken);
            }
        }
        backoff.Reset();

        var offset = 0;
        var (failingId, tries) = (0, 0);
        while (!stoppingToken.IsCancellationRequested)
        {
            Update[] updates;
            try
            {
                updates = await bot.GetUpdates(offset, limit: 100, timeout: PollSeconds, allowedUpdates: AllowedUpdates, cancellationToken: stoppingToken);
                backoff.Reset();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("getUpdates failed with {ExceptionType}; backing off", e.GetType().Name);
                await DelayAsync(backoff.Next(), stoppingToken);
                continue;
            }
            catch (OperationCanceledException)
            {
                break;
            }

            foreach (var update in updates)
            {
                try
                {
                    await handler.HandleAsync(update, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    tries = failingId == update.Id ? tries + 1 : 1;
                    failingId = update.Id;
                    if (tries < MaxTriesPerUpdate)
                    {
                        // Not acknowledged: the next getUpdates serves it again (handled ones are de-duplicated).
                        logger.LogWarning("Telegram update failed with {ExceptionType}; will retry", e.GetType().Name);
                        await DelayAsync(backoff.Next(), stoppingToken);
                        break;
                    }
                    logger.LogError("Telegram update failed {Tries} times with {ExceptionType}; skipped", tries, e.GetType().Name);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                offset = update.Id + 1;
            }
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try { await Task.Delay(delay, ct); }
        catch (OperationCanceledException) { }
    }
}
