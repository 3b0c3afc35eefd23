using Hangfire;
using Jasmine.Bots.Alerts;
using Jasmine.Bots.Channels;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Domain;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Jobs;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Members;
using Jasmine.Bots.Screening;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Safety;

/// <summary>
/// Booking check-ins. She says when she should be done; at that time the bot asks "All good?"; her OK (or her own
/// word) closes it; silence after the grace period, or her duress word, alerts the association's on-call staff (the
/// follow-up rota) — never other workers (docs/checkin.md says why). The store holds the truth; Hangfire only wakes it.
/// </summary>
public sealed class CheckInService(
    CheckInStore checkins,
    IOptions<CheckInOptions> options,
    IOptions<FollowUpOptions> followUp,
    IServiceProvider services,
    MemberService members,
    Notifier notifier,
    Channels.Outbox.Outbox outbox,
    ScreeningService screening,
    IdentifierParser identifiers,
    StaffTexts staffTexts,
    Locales locales,
    TimeProvider time,
    ILogger<CheckInService> logger) : IRecoverable
{
    private IBackgroundJobClient Jobs => services.GetRequiredService<IBackgroundJobClient>();
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public CheckIn Start(string memberId, int minutes, string? client, string? place, string? contact)
    {
        var now = Now;
        var checkin = checkins.Open(memberId, now, now.AddMinutes(minutes), client, place, contact);
        // After the turn commits: the job must find the row.
        services.GetRequiredService<Storage.JasmineStore>().AfterCommit(() => Jobs.Enqueue<CheckInJobs>(j => j.Tick(checkin.Id)));
        return checkin;
    }

    public void Recover(IBackgroundJobClient jobs)
    {
        foreach (var id in checkins.OpenIds()) jobs.Enqueue<CheckInJobs>(j => j.Tick(id));
    }

    /// <summary>What is due now for this check-in; returns when to look again (null: nothing left to do).</summary>
    public TimeSpan? Advance(string id)
    {
        var o = options.Value;
        if (checkins.Find(id) is not { } c) return null;
        var now = Now;
        switch (c.Status)
        {
            case CheckInStatus.Waiting when now >= c.DueAt:
                if (checkins.Move(id, CheckInStatus.Waiting, CheckInStatus.Asked, now)) Ask(c);
                return Until(now, c.DueAt + o.Grace);
            case CheckInStatus.Waiting:
                return Until(now, c.DueAt);
            // The grace runs from the due time: a job that woke late must not give anyone extra minutes.
            case CheckInStatus.Asked when now >= c.DueAt + o.Grace:
                if (checkins.Move(id, CheckInStatus.Asked, CheckInStatus.Alerted, now)) Alert(c, duress: false);
                return null;
            case CheckInStatus.Asked:
                return Until(now, c.DueAt + o.Grace);
            default:
                return null;
        }
    }

    private TimeSpan Until(DateTime now, DateTime at)
    {
        var wait = at - now;
        if (wait < TimeSpan.FromSeconds(1)) wait = TimeSpan.FromSeconds(1);
        return wait < options.Value.Poll ? wait : options.Value.Poll;
    }

    /// <summary>"All good?": neutral words on the lock screen, one answer to give. Sent at once, nights included.</summary>
    private void Ask(CheckIn c)
    {
        if (members.Find(c.MemberId) is not { } member || notifier.AddressOf(member.Id) is not { } urn) return;
        var texts = locales[member.Language];
        outbox.Send(urn, [new OutboundMessage(texts.Get("checkin.prompt"), [new Choice(texts.Get("checkin.ok_button"), OkValue)], member.Language) { Kind = OutboundKind.Proactive }],
            $"checkin:{c.Id}:ask", priority: -1);
    }

    public const string OkValue = "checkin:ok";
    /// <summary>Her contact choice "reach me here": the staff get the address the bot writes to.</summary>
    public const string ContactHere = "here";

    public enum Answer { None, Ok, Duress }

    /// <summary>Her answer, when she has a check-in open and the text is one of her words (or the OK button).</summary>
    public (CheckIn CheckIn, Answer Answer)? Recognise(string memberId, string text)
    {
        if (checkins.OpenFor(memberId) is not { } c) return null;
        var folded = TextFolding.Fold(text);
        var (ok, duress) = checkins.WordsOf(memberId);
        if (duress is not null && folded == TextFolding.Fold(duress)) return (c, Answer.Duress);
        if (text.Trim() == OkValue || (ok is not null && folded == TextFolding.Fold(ok))) return (c, Answer.Ok);
        if (locales.All.Any(l => l.Keywords("keywords.checkin_ok").Contains(folded))) return (c, Answer.Ok);
        // "1" answers the numbered "All good?" on SMS, only once it was asked.
        if (c.Status == CheckInStatus.Asked && folded == "1") return (c, Answer.Ok);
        return null;
    }

    /// <summary>Closes it; the duress word closes it the same way in her eyes and alerts the staff.</summary>
    public bool Close(CheckIn c, Answer answer)
    {
        var now = Now;
        var to = answer == Answer.Duress ? CheckInStatus.Alerted : CheckInStatus.Closed;
        if (!checkins.Move(c.Id, c.Status, to, now)) return false;
        if (answer == Answer.Duress) Alert(c, duress: true);
        return true;
    }

    /// <summary>The on-call staff (follow-up rota and group; the admins when nobody is on call), and only them.</summary>
    private void Alert(CheckIn c, bool duress)
    {
        var f = followUp.Value;
        var targets = f.Rota.Concat(f.Group is { } g ? [g] : []).ToList();
        if (targets.Count == 0) targets.AddRange(f.Admins);
        var member = members.Find(c.MemberId);
        var args = new Dictionary<string, string>
        {
            ["pseudonym"] = member is null ? "?" : members.Pseudonym(member),
            ["due"] = Help.ServicesFeature.ParisNow(new DateTimeOffset(c.DueAt, TimeSpan.Zero)).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            ["client"] = ClientLine(c.Client),
            ["place"] = c.Place ?? staffTexts.Get("checkin.not_given"),
            ["contact"] = c.Contact switch { null => staffTexts.Get("checkin.not_given"), ContactHere => staffTexts.Get("checkin.contact_here"), var other => other },
            ["address"] = member is not null && notifier.AddressOf(member.Id) is { } urn ? urn : "?",
            ["language"] = member?.Language ?? "?",
        };
        var text = staffTexts.Get(duress ? "checkin.duress" : "checkin.missed", args);
        foreach (var target in targets.Distinct())
            outbox.Send(target, [new OutboundMessage(text, [], "fr") { Kind = OutboundKind.Proactive }], $"checkin:{c.Id}:alert:{target}", priority: -1);
        if (targets.Count == 0) logger.LogWarning("A check-in alert has nobody to go to: configure Jasmine:FollowUp:Rota or Jasmine:FollowUp:Admins");
    }

    /// <summary>The client as she left him, screened again now: the status may have changed since she booked.</summary>
    private string ClientLine(string? client)
    {
        if (client is null || BotFlowHost.Decode(client) is not { } id) return staffTexts.Get("checkin.not_given");
        var status = screening.Screen(id).Classification switch
        {
            Classification.VeryDangerous => "checkin.status.very_dangerous",
            Classification.Risky => "checkin.status.risky",
            Classification.Annoying => "checkin.status.annoying",
            Classification.Pending => "checkin.status.pending",
            _ => "checkin.status.not_signaled",
        };
        return $"{identifiers.Display(id)} — {staffTexts.Get(status)}";
    }
}

/// <summary>The Hangfire job: each run does what is due for one check-in and books the next look.</summary>
public sealed class CheckInJobs(CheckInService checkins, IBackgroundJobClient jobs)
{
    [AutomaticRetry(Attempts = 10)]
    public void Tick(string id)
    {
        if (checkins.Advance(id) is { } next) jobs.Schedule<CheckInJobs>(j => j.Tick(id), next);
    }
}
