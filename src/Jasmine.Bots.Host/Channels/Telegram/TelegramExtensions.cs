using Jasmine.Bots.Admin;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace Jasmine.Bots.Channels.Telegram;

public static class TelegramExtensions
{
    public const string HttpClientName = "telegram";

    /// <summary>
    /// Options (validated on start), the admin command, and — only when a bot token is configured — the bot
    /// client, the sender and, in polling mode, the poller.
    /// </summary>
    public static IHostApplicationBuilder AddTelegram(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>());
        builder.Services.AddSingleton<TelegramSecret>();
        builder.Services.AddSingleton<IAdminCommand, TelegramCommand>();

        var options = builder.Configuration.GetSection(TelegramOptions.Section).Get<TelegramOptions>();
        if (options?.IsConfigured != true) return builder;

        builder.Services.AddHttpClient(HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(60))
            // One long-lived client shared by the singleton sender; connections are still renewed for DNS changes.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // The token is part of every request URL: the default HttpClient logs would print it.
            .RemoveAllLoggers();
        builder.Services.AddSingleton<ITelegramBotClient>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TelegramOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            // The outbox owns retries: the client must not sleep on a 429 inside a send.
            return new TelegramBotClient(new TelegramBotClientOptions(o.BotToken!, string.IsNullOrWhiteSpace(o.ApiBaseUrl) ? null : o.ApiBaseUrl) { RetryThreshold = 0 }, http);
        });
        builder.Services.AddSingleton<TelegramUpdateHandler>();
        builder.Services.AddSingleton<IChannelSender, TelegramSender>();
        if (options.IsPolling) builder.Services.AddHostedService<TelegramPolling>();
        return builder;
    }

    public static IEndpointRouteBuilder MapTelegram(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<TelegramOptions>>().Value;
        if (!options.IsConfigured || options.IsPolling) return app;
        app.MapPost(TelegramWebhook.Path, TelegramWebhook.HandleAsync);
        return app;
    }
}
