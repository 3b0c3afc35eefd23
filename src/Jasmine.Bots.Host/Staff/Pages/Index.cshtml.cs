using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Staff.Pages;

public sealed class IndexModel(JasmineStore store, CaseService cases) : StaffPage
{
    public int ToReview { get; private set; }
    public int OpenCases { get; private set; }

    public void OnGet()
    {
        if (Moderates) ToReview = store.Reports.Count(r => !r.Reviewed);
        if (FollowsUp) OpenCases = cases.Cases.Count(c => c.Status == CaseStatus.Open);
    }
}
