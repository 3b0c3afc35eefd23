namespace Jasmine.Bots.Staff;

/// <summary>
/// The period report as PDF, through the same writer as the doctor's note (Help/NotePdf: SkiaSharp, embedded Noto fonts). Kept apart so that swapping the
/// PDF writer touches this file only.
/// </summary>
public static class PeriodReportPdf
{
    public static byte[] Render(PeriodReportData report, StaffUi ui, Func<PeriodFigure, string> label)
    {
        var lines = new List<string>
        {
            $"{report.From} .. {report.To}  /  {ui["period.previous"]}: {report.PreviousFrom} .. {report.PreviousTo}",
            "",
        };
        foreach (var f in report.Figures)
            lines.Add($"{label(f)}: {f.Current}  ({ui["period.previous"]}: {f.Previous}; {ui["period.change"]}: {f.Change}{(f.Change.Suppressed ? "" : " %")})");
        lines.Add("");
        lines.Add(ui["stats.suppressed_count"]);
        lines.Add(ui["stats.suppressed_measure"]);
        lines.Add(ui["period.change_suppressed"]);
        return Help.NotePdf.Render($"Jasmine - {ui["period.title"]}", lines);
    }
}
