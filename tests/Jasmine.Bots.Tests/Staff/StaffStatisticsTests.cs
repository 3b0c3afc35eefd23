using System.Text.RegularExpressions;
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
        // Shares and times: "—", explained in words under the table; the chart is drawn, so no "empty chart" note.
        Assert.Contains("<td>—</td>", page);
        Assert.Matches("(fewer than 5 cases|moins de 5 cas)", page);
        Assert.DoesNotContain("id=\"chart-empty\"", page);
        var json = System.Text.RegularExpressions.Regex.Match(page, "<script type=\"application/json\" id=\"reports-data\">(.*?)</script>").Groups[1].Value;
        Assert.Contains("[null,null,null,null,null,null,null,null,null,null,null,7]", json);
        Assert.DoesNotContain(",3]", json);

        var csv = await staff.Http.GetStringAsync("/staff/stats?handler=csv");
        var lines = csv.Split('\n');
        Assert.Equal("indicator,month,value,note", lines[0]);
        Assert.Contains($"reports.rape,{month},7,", lines);
        Assert.Contains($"reports.theft,{month},<5,fewer than 5: not published", lines);
        Assert.Contains($"matches,{month},12,", lines);
        Assert.Contains($"members.joined,{month},<5,fewer than 5: not published", lines);
        // A median or a share is not a count: "<5" would read as "under 5 minutes" or "under 5 %".
        Assert.Contains($"cases.ack_minutes_median,{month},,computed from fewer than 5 cases: not published", lines);
        Assert.Contains($"cases.followed_up_percent,{month},,computed from fewer than 5 cases: not published", lines);
        Assert.Contains("members.active_30_days,current,<5,fewer than 5: not published", lines);
        Assert.DoesNotContain(lines, l => l.Contains(",3,", StringComparison.Ordinal) || l.Contains(",2,", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("cases.ack_minutes", StringComparison.Ordinal) && l.Contains("<5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_empty_chart_says_why()
    {
        var store = _host.Get<JasmineStore>();
        var month = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        store.Increment($"reports:{month}:{ReportCategories.Theft}", 3);
        var staff = await StaffClient.SignedInAsync(_host, "mo", StaffRole.Moderator);
        var page = await staff.GetPageAsync("/staff/stats");
        Assert.Contains("id=\"chart-empty\"", page);
    }

    [Fact]
    public async Task The_period_report_compares_with_the_year_before_in_the_table_the_csv_and_the_pdf_with_the_same_suppression()
    {
        var store = _host.Get<JasmineStore>();
        // November 2024 to October 2025 against November 2023 to October 2024.
        for (var m = new DateTime(2023, 11, 1); m < new DateTime(2025, 11, 1); m = m.AddMonths(1))
        {
            var key = m.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
            var current = m >= new DateTime(2024, 11, 1);
            store.Increment($"reports:{key}:{ReportCategories.Harassment}", current ? 10 : 8);
            store.Increment($"reports.total:{key}", current ? 10 : 8);
            store.Increment($"members.joined:{key}", current ? 3 : 2);
            if (current && m.Month == 3) store.Increment($"reports:{key}:{ReportCategories.Theft}", 3);
        }
        var staff = await StaffClient.SignedInAsync(_host, "fu", StaffRole.FollowUp);

        var page = Regex.Replace(await staff.GetPageAsync("/staff/stats/period?from=2024-11&to=2025-10"), @"\s+", " ");
        Assert.Matches(@"data-indicator=""reports.harassment""><th scope=""row"">[^<]+</th><td>120</td><td>96</td><td>\+25 %</td>", page);
        Assert.Matches(@"data-indicator=""reports.theft""><th scope=""row"">[^<]+</th><td><5</td><td><5</td><td>—</td>", page);
        // Members joined by the end of each period (24 then 60) and new members (36 against 24).
        Assert.Matches(@"data-indicator=""members.total""><th scope=""row"">[^<]+</th><td>60</td><td>24</td><td>\+150 %</td>", page);
        Assert.Matches(@"data-indicator=""members.joined""><th scope=""row"">[^<]+</th><td>36</td><td>24</td><td>\+50 %</td>", page);
        Assert.Matches(@"data-indicator=""cases.first_contact_minutes_median""><th scope=""row"">[^<]+</th><td>—</td><td>—</td><td>—</td>", page);

        var csv = (await staff.Http.GetStringAsync("/staff/stats/period?handler=csv&from=2024-11&to=2025-10")).Split('\n');
        Assert.Equal("indicator,period,value,previous_period,previous_value,change_percent,note", csv[0]);
        Assert.Contains("reports.harassment,2024-11..2025-10,120,2023-11..2024-10,96,+25,", csv);
        Assert.Contains(csv, l => l.StartsWith("reports.theft,2024-11..2025-10,<5,2023-11..2024-10,<5,,", StringComparison.Ordinal));
        Assert.DoesNotContain(csv, l => l.Contains(",3,", StringComparison.Ordinal));

        var pdf = await staff.Http.GetByteArrayAsync("/staff/stats/period?handler=pdf&from=2024-11&to=2025-10");
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));
        var audit = _host.Get<AuditLog>().Latest(10);
        Assert.Contains(audit, e => e.Who == "fu" && e.Action == "stats.period.csv" && e.Object == "2024-11..2025-10");
        Assert.Contains(audit, e => e.Who == "fu" && e.Action == "stats.period.pdf");

        Assert.Contains("role=\"alert\"", await staff.GetPageAsync("/staff/stats/period?from=2025-10&to=2024-11"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await staff.Http.GetAsync("/staff/stats/period?handler=csv&from=nonsense&to=2024-11")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await StaffClient.Anonymous(_host).Http.GetAsync("/staff/stats/period")).StatusCode);
    }

    [Fact]
    public void Follow_up_share_and_times_appear_only_when_enough_cases_were_acknowledged()
    {
        Assert.True(Statistics.Count(4).Suppressed);
        Assert.Equal("5", Statistics.Count(5).ToString());
        Assert.Equal("<5", Statistics.Count(0).ToString());
    }
}
