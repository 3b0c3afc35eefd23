using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Alerts;

/// <summary>
/// Where she works this week, for women who tour: up to three départements, and "where I am" for seven days. Coarse
/// places (départements) may be stored in clear, as her own département is.
/// </summary>
public sealed class AlertAreasDoc
{
    public string Id { get; set; } = "";
    public List<string> Areas { get; set; } = [];
    public string? Here { get; set; }
    public DateTime? HereUntil { get; set; }
}

public sealed class AlertAreas(JasmineStore store, TimeProvider time)
{
    public const int Max = 3;
    public static readonly TimeSpan HereFor = TimeSpan.FromDays(7);
    private IDocs<AlertAreasDoc> Docs => store.Collection<AlertAreasDoc>("alert_areas");

    public AlertAreasDoc? Find(string memberId) => Docs.FindById(memberId);

    public void SetAreas(string memberId, IReadOnlyList<string> areas)
    {
        var doc = Docs.FindById(memberId) ?? new AlertAreasDoc { Id = memberId };
        doc.Areas = areas.Distinct().Take(Max).ToList();
        Docs.Upsert(doc);
    }

    public DateTime SetHere(string memberId, string departement)
    {
        var doc = Docs.FindById(memberId) ?? new AlertAreasDoc { Id = memberId };
        doc.Here = departement;
        doc.HereUntil = time.GetUtcNow().UtcDateTime + HereFor;
        Docs.Upsert(doc);
        return doc.HereUntil.Value;
    }

    public void Clear(string memberId) => Docs.Delete(memberId);

    /// <summary>The départements she chose on top of her own, "where I am" only while it lasts.</summary>
    public IReadOnlyList<string> Current(string memberId)
    {
        if (Docs.FindById(memberId) is not { } doc) return [];
        var now = time.GetUtcNow().UtcDateTime;
        return doc.HereUntil > now && doc.Here is { } here ? [.. doc.Areas, here] : doc.Areas;
    }
}
