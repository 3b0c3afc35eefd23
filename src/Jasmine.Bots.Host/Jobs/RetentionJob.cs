using Hangfire;
using Jasmine.Bots.Alerts;
using Jasmine.Bots.Channels;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Jobs;

/// <summary>The data-retention policy, in one place (README, "Data retention", says the same).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Jasmine:Retention";
    /// <summary>Conversation state untouched this long is erased (what she was typing, her place in a flow).</summary>
    public int ConversationIdleDays { get; set; } = 7;
    /// <summary>A report started but never confirmed is erased after this many hours.</summary>
    public int UnconfirmedReportHours { get; set; } = 72;
    /// <summary>Inbound de-duplication ids and job keys are kept this long.</summary>
    public int LedgerDays { get; set; } = 14;
    /// <summary>Discreet notices not opened are erased after this many days.</summary>
    public int NoticeDays { get; set; } = 14;
}

public sealed class RetentionJob(JasmineStore store, ConversationStore conversations, InboundLedger inbound, OutboxStore outbox,
    CaseService cases, WarningsService warnings, Notifier notifier, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionJob> logger)
{
    public const string Id = "retention";

    [AutomaticRetry(Attempts = 3)]
    public void Run()
    {
        var o = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var idle = conversations.DeleteIdleSince(now.AddDays(-o.ConversationIdleDays));
        var reports = conversations.DeleteUnfinishedReports(now.AddHours(-o.UnconfirmedReportHours));
        var ledger = inbound.DeleteOlderThan(now.AddDays(-o.LedgerDays)) + outbox.DeleteKeysBefore(now.AddDays(-o.LedgerDays)) + outbox.DeleteFinishedBefore(now.AddDays(-o.LedgerDays));
        var contacts = cases.EraseClosedContacts(now);
        var watches = warnings.DeleteExpiredWatches(now);
        var notices = notifier.DeleteOlderThan(now.AddDays(-o.NoticeDays));
        foreach (var extra in store.RetentionTasks) extra(now);
        logger.LogInformation("Retention: {Idle} idle conversations, {Reports} unconfirmed reports, {Ledger} ledger entries, {Contacts} closed-case contacts, {Watches} watches, {Notices} notices erased",
            idle, reports, ledger, contacts, watches, notices);
    }
}
