using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Staff.Pages;

public sealed class IndexModel(JasmineStore store, CaseService cases, Channels.Outbox.OutboxDispatcher dispatcher) : StaffPage
{
    public int ToReview { get; private set; }
    public int OpenCases { get; private set; }
    /// <summary>The SMS lane's day (counts only, nothing personal); null when SMS is not configured.</summary>
    public Channels.Outbox.LaneStatus? Sms { get; private set; }

    public void OnGet()
    {
        Sms = dispatcher.Lane("tel");
        if (Moderates) ToReview = store.Reports.Count(r => !r.Reviewed);
        if (FollowsUp) OpenCases = cases.Cases.Count(c => c.Status == CaseStatus.Open);
    }
}
