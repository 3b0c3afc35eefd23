using Hangfire;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Alerts;
using Jasmine.Bots.Channels;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Jobs;
using Jasmine.Bots.Reports;

namespace Jasmine.Bots.FollowUp;

public static class FollowUpExtensions
{
    /// <summary>Follow-up cases, push warnings, the watchlist, discreet notices and the retention job.</summary>
    public static IHostApplicationBuilder AddFollowUpAndAlerts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FollowUpOptions>().Bind(builder.Configuration.GetSection(FollowUpOptions.Section))
            .Validate(o => o.AckTimeout > TimeSpan.Zero, "Jasmine:FollowUp:AckTimeout must be positive.").ValidateOnStart();
        builder.Services.AddOptions<WarningsOptions>().Bind(builder.Configuration.GetSection(WarningsOptions.Section));
        builder.Services.AddOptions<RetentionOptions>().Bind(builder.Configuration.GetSection(RetentionOptions.Section));
        builder.Services.AddSingleton(sp => StaffTexts.Load(ConversationExtensions.ContentDirectory(sp, "locales", o => o.Conversations.LocalesDirectory)));
        builder.Services.AddSingleton<Notifier>();
        builder.Services.AddSingleton<CaseService>();
        builder.Services.AddSingleton<IReportListener>(sp => sp.GetRequiredService<CaseService>());
        builder.Services.AddSingleton<IRecoverable>(sp => sp.GetRequiredService<CaseService>());
        builder.Services.AddSingleton<WarningsService>();
        builder.Services.AddSingleton<IReportListener>(sp => sp.GetRequiredService<WarningsService>());
        builder.Services.AddSingleton<IRecoverable>(sp => sp.GetRequiredService<WarningsService>());
        builder.Services.AddSingleton<IClassificationListener>(sp => sp.GetRequiredService<WarningsService>());
        builder.Services.AddSingleton<IInboundInterceptor, StaffChat>();
        builder.Services.AddSingleton<IFlowFeature, AlertsFeature>();
        builder.Services.AddSingleton<ITurnInterceptor, ShowByNumber>();
        builder.Services.AddTransient<CaseJobs>();
        builder.Services.AddTransient<WarningJobs>();
        builder.Services.AddTransient<RetentionJob>();
        builder.Services.AddSingleton<IAdminCommand, CasesCommand>();
        builder.Services.AddSingleton<IAdminCommand, WarningsCommand>();
        builder.Services.AddHostedService<RetentionSchedule>();
        return builder;
    }

    private sealed class RetentionSchedule(IRecurringJobManager recurring) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurring.AddOrUpdate<RetentionJob>(RetentionJob.Id, j => j.Run(), Cron.Hourly());
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
