using Jasmine.Bots.FollowUp;

namespace Jasmine.Bots.Staff.Pages.Cases;

public sealed class CasesIndexModel(CaseService cases) : StaffPage
{
    public IReadOnlyList<(CaseStatus Status, List<CaseDoc> Cases)> ByStatus { get; private set; } = [];

    public void OnGet()
    {
        var all = cases.Cases.FindAll().OrderBy(c => c.CreatedAt).ToList();
        ByStatus = [.. new[] { CaseStatus.Open, CaseStatus.Acknowledged, CaseStatus.Closed }.Select(s => (s, all.Where(c => c.Status == s).ToList()))];
    }
}
