using Jasmine.Bots.Channels;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Members;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Alerts;

/// <summary>
/// Everything the service sends on its own initiative goes through here. The first line is always neutral
/// ("Jasmine: you have a new message."): a lock-screen preview must not out her. In discreet mode (the default)
/// the details wait until she taps Show (or answers 1 / SHOW); in direct mode they follow the neutral line.
/// </summary>
public sealed class Notifier(MemberService members, Channels.Outbox.Outbox outbox, Channels.Outbox.OutboxStore outboxStore, Locales locales, NoticeStore notices, TimeProvider time)
{
    /// <summary>Where a proactive message reaches her: a chat app first, SMS only if allowed and nothing else works.</summary>
    public string? AddressOf(string memberId, bool allowSms = true)
    {
        var addresses = members.Addresses(memberId).Where(a => !a.Address.Unreachable).Select(a => a.Urn).ToList();
        foreach (var scheme in new[] { "telegram", "signal", "try", "tel" })
        {
            if (scheme == "tel" && !allowSms) continue;
            var found = addresses.FirstOrDefault(u => Urns.Scheme(u) == scheme);
            if (found is not null) return found;
        }
        return null;
    }

    /// <summary>Queues a proactive message for a member; <paramref name="dedupKey"/> makes a re-run of the job send nothing twice.</summary>
    /// <param name="priority">Order among proactive messages on SMS, lower first (see <see cref="Channels.Outbox.OutboxStore.ProactivePriority"/>).</param>
    public bool Notify(MemberDoc member, string urn, Func<LocaleTexts, Reply> details, string dedupKey, string? origin = null, int priority = 0)
    {
        if (outboxStore.WasQueued(dedupKey)) return false;
        var texts = locales[member.Language];
        var neutral = texts.Get("notice.neutral");
        // Whatever it says, she can clear it from her phone straight after reading it.
        var content = details(texts);
        content = content with { Choices = [.. content.Choices, new Choice(texts.Get("wipe.button"), "wipe")] };
        OutboundMessage message;
        if (member.Discreet)
        {
            var token = notices.Keep(urn, content, time.GetUtcNow().UtcDateTime);
            message = new OutboundMessage(neutral, [new Choice(texts.Get("notice.show"), "show:" + token)], member.Language) { Kind = OutboundKind.Proactive };
        }
        else
        {
            message = new OutboundMessage(neutral + "\n\n" + content.Text, content.Choices, member.Language) { Kind = OutboundKind.Proactive };
        }
        outbox.Send(urn, [message], dedupKey, origin, priority, quietNights: member.QuietNights);
        return true;
    }

    /// <summary>The notice she asked to see (by token), or all of hers, oldest first; each is forgotten once shown.</summary>
    public IReadOnlyList<Reply> Reveal(string urn, string? token) => notices.Take(urn, token);

    public bool HasPending(string urn) => notices.HasPending(urn);

    /// <summary>A notice queued after her last turn: the last thing she received is it.</summary>
    public bool HasPendingSince(string urn, DateTime since)
        // On SMS a notice may wait a day for the budget: until its neutral line went out she cannot be answering it.
        => notices.HasPendingSince(urn, since) && !outboxStore.HasProactivePending(urn);

    public int DeleteOlderThan(DateTime cutoff) => notices.DeleteOlderThan(cutoff);
}
