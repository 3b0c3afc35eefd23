using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Stats;

/// <summary>Any from–to run of months against the same months a year before: table, chart, CSV and PDF, all suppressed alike.</summary>
public sealed class PeriodModel(PeriodReport period, StaffUi ui, TimeProvider time) : StaffPage
{
    public PeriodReportData? Report { get; private set; }
    public string ChartJson { get; private set; } = "{}";
    public bool ChartEmpty { get; private set; }
    public string From { get; private set; } = "";
    public string To { get; private set; } = "";
    public string? Error { get; private set; }

    public string Label(PeriodFigure f) => f.Category is { } c ? ui.Format("period.reports", ("category", ui["category." + c])) : ui[f.Indicator switch
    {
        "reports.total" => "period.reports_total",
        "matches" => "period.matches",
        "members.total" => "period.users",
        "members.joined" => "period.new_users",
        "cases.opened" => "period.cases_opened",
        "cases.followed_up" => "period.cases_followed",
        _ => "period.median",
    }];

    public void OnGet(string? from, string? to)
    {
        if (!Load(from, to)) return;
        var counts = Report!.Figures.Where(f => f.Indicator != "cases.first_contact_minutes_median").ToList();
        // Suppressed cells are null: Chart.js leaves them out rather than drawing a guess.
        ChartEmpty = counts.All(f => f.Current.Suppressed && f.Previous.Suppressed);
        ChartJson = JsonSerializer.Serialize(new
        {
            labels = counts.Select(Label),
            datasets = new[]
            {
                new { label = $"{Report.From} – {Report.To}", data = counts.Select(f => f.Current.Value) },
                new { label = $"{Report.PreviousFrom} – {Report.PreviousTo}", data = counts.Select(f => f.Previous.Value) },
            },
        }).Replace("<", "\\u003c", StringComparison.Ordinal);
    }

    public IActionResult OnGetCsv(string? from, string? to)
    {
        if (!Load(from, to)) return BadRequest();
        Record("stats.period.csv", $"{Report!.From}..{Report.To}");
        return File(Encoding.UTF8.GetBytes(PeriodReport.Csv(Report)), "text/csv; charset=utf-8", $"jasmine-{Report.From}-{Report.To}.csv");
    }

    public IActionResult OnGetPdf(string? from, string? to)
    {
        if (!Load(from, to)) return BadRequest();
        Record("stats.period.pdf", $"{Report!.From}..{Report.To}");
        return File(PeriodReportPdf.Render(Report, ui, Label), "application/pdf", $"jasmine-{Report.From}-{Report.To}.pdf");
    }

    /// <summary>Defaults to the last twelve whole months up to this one.</summary>
    private bool Load(string? from, string? to)
    {
        var now = time.GetUtcNow().UtcDateTime;
        From = from ?? now.AddMonths(-11).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        To = to ?? now.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (PeriodReport.Parse(From, To) is not { } range) { Error = "period.invalid"; return false; }
        Report = period.Build(range.From, range.To);
        return true;
    }
}
