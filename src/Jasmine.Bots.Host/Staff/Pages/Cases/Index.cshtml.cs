using Jasmine.Bots.FollowUp;

namespace Jasmine.Bots.Staff.Pages.Cases;

public sealed class CasesIndexModel(CaseService cases) : StaffPage
{
    public IReadOnlyList<(CaseStatus Status, List<CaseDoc> Cases)> ByStatus { get; private set; } = [];

    public string LanguageName(string language) => cases.LanguageName(language);

    public void OnGet()
    {
        // Waiting with nobody on call first, then the urgent ones, then the oldest.
        var all = cases.Cases.FindAll().OrderByDescending(c => c.Queued).ThenByDescending(c => c.Severe).ThenBy(c => c.CreatedAt).ToList();
        ByStatus = [.. new[] { CaseStatus.Open, CaseStatus.Acknowledged, CaseStatus.Closed }.Select(s => (s, all.Where(c => c.Status == s).ToList()))];
    }
}
