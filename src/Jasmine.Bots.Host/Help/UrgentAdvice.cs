using System.Globalization;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Domain;

namespace Jasmine.Bots.Help;

/// <summary>
/// What to do now after an exposure that may still be treated: PEP with its delay, emergency contraception, the
/// numbers. Said by the health questionnaire once it knows the hour, and by a report of rape or stealthing dated
/// within the urgent window: she may report before she thinks of her health, and the delay does not wait.
/// </summary>
public sealed class UrgentAdvice(MedicalFacts facts)
{
    /// <summary>Report categories that are an exposure to HIV and pregnancy (penetration, or a condom removed).</summary>
    public static readonly IReadOnlySet<string> ExposureCategories = new HashSet<string>(StringComparer.Ordinal) { ReportCategories.Rape, ReportCategories.Stealthing };

    /// <summary>Each treatment with its delay (from <see cref="MedicalFacts"/>), then the numbers.</summary>
    public void Say(TurnContext ctx, ExposureDelay delay)
    {
        var args = new Dictionary<string, string>(facts.Placeholders, StringComparer.Ordinal)
        {
            ["hours"] = Math.Floor(delay.MinHours).ToString("0", CultureInfo.InvariantCulture),
            ["left"] = Math.Max(0, Math.Floor(facts.PepHours - (delay.MaxHours ?? delay.MinHours))).ToString("0", CultureInfo.InvariantCulture),
        };
        var pep = delay.MaxHours is { } max && max < facts.PepHours ? "health.urgent.pep"
            : delay.MinHours >= facts.PepHours ? "health.urgent.pep_late" : "health.urgent.pep_maybe";
        ctx.Add(new Reply(ctx.Text(delay.Known ? "health.urgent.title_hours" : "health.urgent.title", args) + "\n" + ctx.Text(pep, args)));
        ctx.Add(new Reply(ctx.Text("health.urgent.contraception", args)));
        ctx.Add(new Reply(ctx.Text("health.urgent.numbers", args)));
    }

    /// <summary>After a report: the advice when what she reported is an exposure on a day still within the urgent window.</summary>
    public bool SayAfterReport(TurnContext ctx, IEnumerable<string> categories, DateOnly date, DateTime nowParis)
    {
        if (!categories.Any(ExposureCategories.Contains)) return false;
        var delay = ExposureDelay.Of(date, null, nowParis);
        if (!delay.MayBeWithin(facts.UrgentHours)) return false;
        Say(ctx, delay);
        return true;
    }
}
