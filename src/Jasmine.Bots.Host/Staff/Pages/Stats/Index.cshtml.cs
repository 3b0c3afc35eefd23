using System.Text;
using System.Text.Json;
using Jasmine.Bots.Domain;
using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Stats;

public sealed class StatsModel(Statistics statistics, StaffUi ui) : StaffPage
{
    public StatsReport? Report { get; private set; }
    public string ChartJson { get; private set; } = "{}";
    /// <summary>Nothing to draw: every cell is under the threshold. The page says so instead of showing a blank frame.</summary>
    public bool ChartEmpty { get; private set; }

    public void OnGet()
    {
        Report = statistics.Build();
        ChartEmpty = Report.Months.All(m => m.ReportsByCategory.Values.All(c => c.Suppressed));
        // Suppressed cells are null: Chart.js leaves them out rather than drawing a guess.
        ChartJson = JsonSerializer.Serialize(new
        {
            labels = Report.Months.Select(m => m.Month),
            datasets = ReportCategories.All.Select(c => new { label = ui["category." + c], data = Report.Months.Select(m => m.ReportsByCategory[c].Value) }),
        }).Replace("<", "\\u003c", StringComparison.Ordinal);
    }

    public IActionResult OnGetCsv()
    {
        Record("stats.csv");
        return File(Encoding.UTF8.GetBytes(Statistics.Csv(statistics.Build())), "text/csv; charset=utf-8", "jasmine-stats.csv");
    }
}
