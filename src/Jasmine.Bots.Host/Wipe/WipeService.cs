using System.Globalization;
using Hangfire;
using Jasmine.Bots.Channels.Signal;
using Jasmine.Bots.Jobs;
using Jasmine.Bots.Members;
using Jasmine.Bots.Storage;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace Jasmine.Bots.Wipe;

/// <summary>She agreed at join (on Signal) that a wipe also turns on disappearing messages for the chat.</summary>
public sealed class WipeConsentDoc
{
    /// <summary>Keyed hash of the chat's address.</summary>
    public string Id { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>
/// Clears a chat from the phone in her hand: deletes what the channel lets a bot delete (Telegram: both sides for
/// 48 hours; Signal: the bot's own messages, then disappearing messages if she agreed). Her account and her
/// reports are untouched. Every wipe is stored first and driven by Hangfire, so a restart loses none.
/// </summary>
public sealed class WipeService(JasmineStore store, WipeStore wipes, WipeLedger ledger, IServiceProvider services, TimeProvider time, ILogger<WipeService> logger) : IRecoverable
{
    /// <summary>Signal's "1 day" disappearing-messages timer.</summary>
    public const int DisappearingSeconds = 86_400;
    public static readonly TimeSpan LaterDelay = TimeSpan.FromMinutes(10);
    /// <summary>Telegram's deleteMessages takes at most this many ids per call.</summary>
    public const int TelegramBatch = 100;

    public IDocs<PendingWipeDoc> Pending => wipes.Pending;
    private IDocs<WipeConsentDoc> Consents => store.Collection<WipeConsentDoc>("wipe_consent");
    private IBackgroundJobClient Jobs => services.GetRequiredService<IBackgroundJobClient>();

    /// <summary>Records a wipe of this chat, due after <paramref name="delay"/>; the job is scheduled once the turn is committed.</summary>
    public PendingWipeDoc Request(string urn, TimeSpan delay)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // A wipe now stops at her WIPE: the short confirmation that follows may stay. A delayed one takes
        // everything up to the moment it runs, its own announcement included.
        var doc = wipes.AddPending(urn, now, now + delay, delay <= TimeSpan.Zero ? now : null);
        store.AfterCommit(() => Schedule(Jobs, doc));
        return doc;
    }

    public void Recover(IBackgroundJobClient jobs)
    {
        foreach (var doc in Pending.FindAll().ToList()) Schedule(jobs, doc);
    }

    private void Schedule(IBackgroundJobClient jobs, PendingWipeDoc doc)
    {
        var wait = doc.DueAt - time.GetUtcNow().UtcDateTime;
        if (wait <= TimeSpan.Zero) jobs.Enqueue<WipeJobs>(j => j.RunAsync(doc.Id, CancellationToken.None));
        else jobs.Schedule<WipeJobs>(j => j.RunAsync(doc.Id, CancellationToken.None), wait);
    }

    public void RememberDisappearingConsent(string urn) =>
        Consents.Upsert(new WipeConsentDoc { Id = ledger.ChatKey(urn), At = time.GetUtcNow().UtcDateTime });

    public bool HasDisappearingConsent(string urn) => Consents.Exists(c => c.Id == ledger.ChatKey(urn));

    public void ForgetConsent(string urn) => Consents.Delete(ledger.ChatKey(urn));

    /// <summary>Runs a recorded wipe; a second run of the same one (a retry, a recovery) finds nothing left to do.</summary>
    public async Task RunAsync(string id, CancellationToken ct)
    {
        if (Pending.FindById(id) is not { } doc) return;
        var urn = wipes.UrnOf(doc);
        var cutoff = doc.Cutoff ?? time.GetUtcNow().UtcDateTime;
        var entries = ledger.Recent(urn, cutoff);
        var scheme = Urns.Scheme(urn);
        var done = scheme switch
        {
            "telegram" => await DeleteOnTelegramAsync(urn, entries, ct),
            "signal" => await DeleteOnSignalAsync(id, urn, entries, ct),
            // SMS cannot be deleted by the sender (the flow told her how to delete the thread on her phone);
            // the try-it chat keeps nothing on a phone.
            _ => 0,
        };
        ledger.Forget(urn, cutoff);
        Pending.Delete(id);
        // Counts only: which chat it was is nobody's business, not even the log's.
        logger.LogInformation("Wipe {Wipe} on {Scheme}: {Deleted} of {Known} message ids sent for deletion", id[..8], scheme, done, entries.Count);
    }

    private async Task<int> DeleteOnTelegramAsync(string urn, IReadOnlyList<WipeLedgerDoc> entries, CancellationToken ct)
    {
        if (services.GetService<ITelegramBotClient>() is not { } bot)
        {
            logger.LogWarning("Wipe on Telegram skipped: Telegram is not configured");
            return 0;
        }
        var chatId = long.Parse(Urns.Path(urn), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var ids = entries.Select(e => int.TryParse(e.MessageId, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .Where(n => n > 0).Distinct().Order().ToList();
        var sent = 0;
        foreach (var batch in ids.Chunk(TelegramBatch))
        {
            try
            {
                await bot.DeleteMessages(chatId, batch, ct);
                sent += batch.Length;
            }
            catch (ApiRequestException e) when (e.ErrorCode == 400)
            {
                // Messages already gone (she deleted them) or just past 48 hours: nothing more can be done for them.
                logger.LogInformation("deleteMessages refused a batch of {Count} ids (400)", batch.Length);
            }
            catch (ApiRequestException e) when (e.ErrorCode == 403)
            {
                // She blocked the bot: it can no longer touch the chat.
                logger.LogInformation("deleteMessages refused (403): the chat is closed to the bot");
                break;
            }
            // Anything else (429, 5xx, network) propagates: Hangfire retries, and the pending record survives a restart.
        }
        return sent;
    }

    /// <summary>Signal apps honour a "delete for everyone" for this long after the message was sent.</summary>
    public static readonly TimeSpan SignalDeleteWindow = TimeSpan.FromHours(24);

    /// <summary>
    /// Queues one remote delete per message the bot sent, through the outbox (in a lane of their own, so her replies
    /// never wait behind them): a delete refused for a passing reason (rate limit, network, signal-cli killed) is retried
    /// with back-off until it goes through or the message is past Signal's 24-hour window.
    /// </summary>
    private async Task<int> DeleteOnSignalAsync(string wipeId, string urn, IReadOnlyList<WipeLedgerDoc> entries, CancellationToken ct)
    {
        var recipient = Urns.Path(urn);
        var now = time.GetUtcNow().UtcDateTime;
        // Only the bot's own messages: Signal lets nobody delete what the other person sent.
        var deletes = entries
            .Where(e => e.Side == WipeSide.Bot && e.At + SignalDeleteWindow > now
                        && long.TryParse(e.MessageId, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(e => new Channels.OutboundMessage("", [], "fr") { RemoteDeleteId = e.MessageId, RetryUntil = e.At + SignalDeleteWindow, Kind = Channels.OutboundKind.Proactive })
            .ToList();
        if (deletes.Count > 0) services.GetRequiredService<Channels.Outbox.Outbox>().Send(urn, deletes, dedupKey: "wipe.signal:" + wipeId, lane: "signal.delete");
        if (HasDisappearingConsent(urn))
        {
            var client = services.GetRequiredService<SignalApiClient>();
            var result = await client.SetDisappearingAsync(recipient, DisappearingSeconds, ct);
            // A passing failure is Hangfire's to retry (the deletes are already queued, and queue only once per message).
            if (result.Status == SignalSendStatus.RetryLater) throw new SignalRetryLaterException(result.Error);
            if (!result.Succeeded) logger.LogWarning("Wipe on Signal could not turn on disappearing messages ({ErrorKind})", result.Error);
        }
        return deletes.Count;
    }
}

/// <summary>A Signal command failed for a passing reason: the job is retried.</summary>
public sealed class SignalRetryLaterException(SignalErrorKind kind) : Exception($"Signal asked to retry later ({kind}).");

/// <summary>The Hangfire side of a wipe: everything it needs is in the stored record.</summary>
public sealed class WipeJobs(WipeService wipes)
{
    [AutomaticRetry(Attempts = 5)]
    public Task RunAsync(string wipeId, CancellationToken ct) => wipes.RunAsync(wipeId, ct);
}
