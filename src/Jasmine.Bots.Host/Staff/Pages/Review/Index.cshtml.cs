using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Staff.Pages.Review;

public sealed class ReviewIndexModel(Moderation moderation) : StaffPage
{
    public IReadOnlyList<ReportDoc> Queue { get; private set; } = [];

    public void OnGet() => Queue = moderation.Queue();
}
