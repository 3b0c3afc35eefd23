using Jasmine.Bots.Domain;
using Jasmine.Bots.Staff;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Staff;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Federation;

public sealed class FederatedMatchesTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Staff_see_screenings_answered_by_partners_counted_over_twelve_months_and_suppressed_under_five()
    {
        var store = _host.Get<JasmineStore>();
        var now = DateTime.UtcNow;
        store.Increment($"federated.matches:{now:yyyy-MM}", 2);
        var staff = await StaffClient.SignedInAsync(_host, "fu", StaffRole.FollowUp);
        Assert.Contains("<strong id=\"federated-matches\"><5</strong>", await staff.GetPageAsync("/staff/stats"));

        store.Increment($"federated.matches:{now.AddMonths(-3):yyyy-MM}", 4);
        store.Increment($"federated.matches:{now.AddMonths(-13):yyyy-MM}", 100);
        Assert.Contains("<strong id=\"federated-matches\">6</strong>", await staff.GetPageAsync("/staff/stats"));
    }
}
