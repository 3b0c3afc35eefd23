using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Channels.Outbox;

/// <summary>
/// What a budgeted route allows: sends (SMS segments) per second and per local day; push warnings leave
/// <see cref="ReservedForReplies"/> of the day to replies and the team's messages.
/// </summary>
/// <param name="PerDay">0 = no daily budget.</param>
public sealed record ChannelBudget(double PerSecond, int PerDay, int ReservedForReplies)
{
    /// <summary>How long after a reported failure the message is handed over again (times the resend number).</summary>
    public TimeSpan ResendAfter { get; init; } = TimeSpan.FromMinutes(1);

    public int ProactivePerDay => PerDay <= 0 ? int.MaxValue : Math.Max(0, PerDay - ReservedForReplies);
    public int RepliesPerDay => PerDay <= 0 ? int.MaxValue : PerDay;
}

/// <summary>
/// A channel sent through one modem or one number (SMS): its messages go one at a time through a lane of their
/// own, replies first, proactive messages by priority, under a per-second pace and a daily budget, so a backlog of
/// warnings never holds up the other channels' workers nor a woman waiting for an answer.
/// </summary>
public interface IBudgetedSender : IChannelSender
{
    ChannelBudget Budget { get; }
    /// <summary>What sending this message costs against the budget (SMS: its segments).</summary>
    int CostOf(OutboundMessage message);
    /// <summary>The gateway reports sent/delivered/failed later, naming <see cref="OutboundMessage.DeliveryRef"/>.</summary>
    bool ReportsDelivery { get; }
}

public sealed class LaneDayDoc
{
    public string Id { get; set; } = "";
    public int Spent { get; set; }
}

/// <summary>Sends counted per scheme and per local (Paris) day, on disk so a restart does not hand out a second budget.</summary>
public sealed class ChannelBudgets(JasmineStore store, TimeProvider time)
{
    private static readonly TimeZoneInfo Paris = FindParis();
    private IDocs<LaneDayDoc> Days => store.Collection<LaneDayDoc>("lane_days");

    private static TimeZoneInfo FindParis()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.Utc; }
    }

    /// <summary>The operator's day: French local date.</summary>
    public string Today() => Day(time.GetUtcNow());

    public static string Day(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Paris).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>When the next local day starts, in UTC.</summary>
    public DateTimeOffset NextDayStart()
    {
        var local = TimeZoneInfo.ConvertTime(time.GetUtcNow(), Paris);
        var midnight = new DateTime(local.Year, local.Month, local.Day, 0, 0, 0, DateTimeKind.Unspecified).AddDays(1);
        return new DateTimeOffset(midnight, Paris.GetUtcOffset(midnight));
    }

    /// <summary>Quiet nights run 22:00–08:00 Paris time: how long until 08:00 when <paramref name="at"/> falls in one, else null.</summary>
    public static TimeSpan? QuietUntil(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Paris);
        if (local.Hour is >= 8 and < 22) return null;
        var day = local.Hour >= 22 ? local.Date.AddDays(1) : local.Date;
        var morning = day.AddHours(8);
        return new DateTimeOffset(morning, Paris.GetUtcOffset(morning)) - at;
    }

    public int Spent(string scheme, string day) => Days.FindById(scheme + ":" + day)?.Spent ?? 0;

    public void Spend(string scheme, string day, int count)
    {
        if (count <= 0) return;
        var id = scheme + ":" + day;
        store.InTransaction(() =>
        {
            var doc = Days.FindById(id) ?? new LaneDayDoc { Id = id };
            doc.Spent += count;
            Days.Upsert(doc);
        });
    }
}

/// <summary>What a lane is doing, for <c>warnings status</c> and the staff console.</summary>
public sealed record LaneStatus(string Scheme, string Day, int Spent, ChannelBudget Budget, int RepliesWaiting, int ProactiveWaiting, string Waiting);
