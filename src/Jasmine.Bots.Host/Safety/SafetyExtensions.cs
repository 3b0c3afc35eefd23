using Jasmine.Bots.Conversations;
using Jasmine.Bots.Jobs;
using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Safety;

public static class SafetyExtensions
{
    /// <summary>Booking check-ins (docs/checkin.md): flow actions, her answers, the job, recovery after a restart, retention.</summary>
    public static IHostApplicationBuilder AddSafety(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CheckInOptions>().Bind(builder.Configuration.GetSection(CheckInOptions.Section))
            .Validate(o => o.Grace > TimeSpan.Zero && o.Poll > TimeSpan.Zero, "Jasmine:CheckIn:Grace and Poll must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var store = sp.GetRequiredService<JasmineStore>();
            var checkins = new CheckInStore(store);
            var keep = sp.GetRequiredService<IOptions<CheckInOptions>>().Value.KeepAfterClose;
            // The hourly retention job runs it: a closed check-in is gone a day later, with all she left in it.
            store.RetentionTasks.Add(now => checkins.DeleteClosedBefore(now - keep));
            return checkins;
        });
        // Where she works this week: read by the push-warning rule (Alerts/WarningsService), set in settings.
        builder.Services.AddSingleton<Alerts.AlertAreas>();
        builder.Services.AddSingleton<CheckInService>();
        builder.Services.AddSingleton<IRecoverable>(sp => sp.GetRequiredService<CheckInService>());
        builder.Services.AddSingleton<IFlowFeature, CheckInFeature>();
        builder.Services.AddSingleton<ITurnInterceptor, CheckInReplies>();
        builder.Services.AddTransient<CheckInJobs>();
        return builder;
    }
}
