using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Staff.Pages.Review;

/// <summary>The queue through its filters (GET: they hold no personal data, and a filtered view can be bookmarked).</summary>
public sealed class ReviewIndexModel(Moderation moderation, RepeatOffenders repeats) : StaffPage
{
    public IReadOnlyList<ReportDoc> Queue { get; private set; } = [];
    public IReadOnlyDictionary<string, string> States { get; private set; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, int> Flags { get; private set; } = new Dictionary<string, int>();
    public QueueFilter Filter { get; private set; } = new();

    public void OnGet(string? show, bool severe, string? departement, string? month)
    {
        Filter = new QueueFilter(
            show == "all",
            severe,
            Domain.Departements.All.Contains(departement?.Trim().ToUpperInvariant() ?? "") ? departement!.Trim().ToUpperInvariant() : null,
            month is { Length: 7 } m && DateTime.TryParseExact(m, "yyyy-MM", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _) ? m : null);
        Queue = moderation.Queue(Filter);
        States = Queue.ToDictionary(r => r.Reference, moderation.StateOf);
        Flags = Queue.Select(r => r.ProfileId).Distinct().Select(p => (p, repeats.Of(p))).Where(x => x.Item2 is not null).ToDictionary(x => x.p, x => x.Item2!.Reporters);
    }
}
