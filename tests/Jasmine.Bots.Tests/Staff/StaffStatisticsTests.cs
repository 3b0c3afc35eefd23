using Jasmine.Bots.Domain;
using Jasmine.Bots.Staff;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Staff;

public sealed class StaffStatisticsTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Counts_under_five_show_as_less_than_five_on_the_page_in_the_chart_data_and_in_the_csv()
    {
        var store = _host.Get<JasmineStore>();
        var month = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        store.Increment($"reports:{month}:{ReportCategories.Rape}", 7);
        store.Increment($"reports:{month}:{ReportCategories.Theft}", 3);
        store.Increment($"matches:{month}", 12);
        store.Increment($"members.joined:{month}", 2);
        var staff = await StaffClient.SignedInAsync(_host, "fu", StaffRole.FollowUp);

        var page = await staff.GetPageAsync("/staff/stats");
        Assert.Contains("<td>7</td>", page);
        Assert.Contains("<td>12</td>", page);
        Assert.DoesNotContain("<td>3</td>", page);
        Assert.DoesNotContain("<td>2</td>", page);
        Assert.Contains("<td><5</td>", page);
        var json = System.Text.RegularExpressions.Regex.Match(page, "<script type=\"application/json\" id=\"reports-data\">(.*?)</script>").Groups[1].Value;
        Assert.Contains("[null,null,null,null,null,null,null,null,null,null,null,7]", json);
        Assert.DoesNotContain(",3]", json);

        var csv = await staff.Http.GetStringAsync("/staff/stats?handler=csv");
        var lines = csv.Split('\n');
        Assert.Equal("indicator,month,value", lines[0]);
        Assert.Contains($"reports.rape,{month},7", lines);
        Assert.Contains($"reports.theft,{month},<5", lines);
        Assert.Contains($"matches,{month},12", lines);
        Assert.Contains($"members.joined,{month},<5", lines);
        Assert.Contains($"cases.ack_minutes_median,{month},<5", lines);
        Assert.Contains("members.active_30_days,current,<5", lines);
        Assert.DoesNotContain(lines, l => l.EndsWith(",3", StringComparison.Ordinal) || l.EndsWith(",2", StringComparison.Ordinal));
    }

    [Fact]
    public void Follow_up_share_and_times_appear_only_when_enough_cases_were_acknowledged()
    {
        Assert.True(Statistics.Count(4).Suppressed);
        Assert.Equal("5", Statistics.Count(5).ToString());
        Assert.Equal("<5", Statistics.Count(0).ToString());
    }
}
