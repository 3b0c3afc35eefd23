using Jasmine.Bots.Channels.Outbox;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jasmine.Bots.Channels.Sms;

public static class SmsServiceCollectionExtensions
{
    /// <summary>
    /// The SMS channel: binds <c>Sms:Provider</c> (<c>twilio</c> | <c>android-gateway</c>) and each provider's
    /// options, validated at start when that provider is chosen. Without configuration the host still starts; SMS
    /// is simply not offered. (Named for its first provider; it registers both.)
    /// </summary>
    public static IHostApplicationBuilder AddTwilioSms(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SmsOptions>()
            .Bind(builder.Configuration.GetSection(SmsOptions.SectionName))
            .Validate(o => o.IsKnownProvider, "Sms:Provider must be 'twilio' or 'android-gateway'.")
            .ValidateOnStart();

        builder.Services.AddOptions<TwilioOptions>()
            .Bind(builder.Configuration.GetSection(TwilioOptions.SectionName))
            .Validate(o => !o.IsConfigured || o.HasValidUrls, "Sms:Twilio:ApiBaseUrl and WebhookUrl must be absolute http(s) URLs.")
            .Validate(o => o.PerSecond > 0 && o.PerDay >= 0 && o.ReservedForReplies >= 0 && (o.PerDay == 0 || o.ReservedForReplies < o.PerDay),
                "Sms:Twilio:PerSecond must be positive, PerDay and ReservedForReplies at least 0, ReservedForReplies below PerDay.")
            .ValidateOnStart();

        builder.Services.AddOptions<AndroidGatewayOptions>()
            .Bind(builder.Configuration.GetSection(AndroidGatewayOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AndroidGatewayOptions>, AndroidGatewayValidation>();

        // Registered always, used only when configured: configuration may be supplied after this runs (tests).
        // The default HttpClient loggers write request URIs; we keep every send out of the logs entirely.
        builder.Services.AddHttpClient<TwilioSmsProvider>(http => http.Timeout = TimeSpan.FromSeconds(20)).RemoveAllLoggers();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AndroidGatewayAuth>();
        builder.Services.AddHttpClient<AndroidGatewaySmsProvider>(http => http.Timeout = TimeSpan.FromSeconds(20)).RemoveAllLoggers();
        builder.Services.AddTransient<ISmsProvider>(sp => sp.GetRequiredService<IOptions<SmsOptions>>().Value.Provider == SmsOptions.AndroidGateway
            ? sp.GetRequiredService<AndroidGatewaySmsProvider>()
            : sp.GetRequiredService<TwilioSmsProvider>());
        builder.Services.AddSingleton<IChannelSender, SmsSender>();
        builder.Services.AddSingleton<Admin.IAdminCommand, SmsCommand>();
        // SMS goes through the outbox's budgeted lane: one at a time, replies first, a daily budget.
        builder.Services.AddSingleton(new BudgetedScheme("tel"));
        return builder;
    }

    /// <summary>Checks the Android gateway's settings only when it is the chosen provider.</summary>
    private sealed class AndroidGatewayValidation(IOptions<SmsOptions> sms) : IValidateOptions<AndroidGatewayOptions>
    {
        public ValidateOptionsResult Validate(string? name, AndroidGatewayOptions options)
        {
            if (sms.Value.Provider != SmsOptions.AndroidGateway) return ValidateOptionsResult.Skip;
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
