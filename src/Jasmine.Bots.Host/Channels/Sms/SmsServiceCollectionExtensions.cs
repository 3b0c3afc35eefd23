namespace Jasmine.Bots.Channels.Sms;

public static class SmsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="TwilioOptions"/> and, only when Twilio is configured, registers <see cref="ISmsProvider"/>.
    /// Without configuration the host still starts; SMS is simply not offered.
    /// </summary>
    public static IHostApplicationBuilder AddTwilioSms(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(TwilioOptions.SectionName);

        builder.Services.AddOptions<TwilioOptions>()
            .Bind(section)
            .Validate(o => !o.IsConfigured || o.HasValidUrls, "Sms:Twilio:ApiBaseUrl and WebhookUrl must be absolute http(s) URLs.")
            .ValidateOnStart();

        // Registered always, used only when configured: configuration may be supplied after this runs (tests).
        builder.Services.AddHttpClient<TwilioSmsProvider>(http => http.Timeout = TimeSpan.FromSeconds(20))
            // The default HttpClient loggers write request URIs; we keep every send out of the logs entirely.
            .RemoveAllLoggers();
        builder.Services.AddTransient<ISmsProvider>(sp => sp.GetRequiredService<TwilioSmsProvider>());
        builder.Services.AddSingleton<IChannelSender, SmsSender>();
        return builder;
    }
}
