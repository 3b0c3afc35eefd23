using Jasmine.Bots.Conversations;

namespace Jasmine.Bots.Reports;

public static class ReportExtensions
{
    public static IHostApplicationBuilder AddReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReportService>();
        builder.Services.AddSingleton<IFlowFeature, ReportFeature>();
        return builder;
    }
}
