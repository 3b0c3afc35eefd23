using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Signal;

public static class SignalServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="SignalOptions"/> (validated on start), registers <see cref="SignalApiClient"/>, and runs
    /// <see cref="SignalReceiver"/> only when Signal is configured. The receiver needs an
    /// <see cref="ISignalInboundHandler"/> registration.
    /// </summary>
    public static IHostApplicationBuilder AddSignal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SignalOptions>().BindConfiguration(SignalOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalOptions>, SignalOptionsValidator>());

        builder.Services.AddHttpClient<SignalApiClient>(http =>
            {
                // Each call sets its own deadline (a long poll outlives the default 100 s on slow hosts).
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            // The default HttpClient logs print request URLs, and ours contain our account number.
            .RemoveAllLoggers();

        // Always registered; each checks Signal:* at start and stays idle when it is not configured.
        builder.Services.AddHostedService<SignalReceiver>();
        builder.Services.TryAddSingleton<ISignalInboundHandler, SignalInboundHandler>();
        builder.Services.AddSingleton<SignalIdentityChanges>();
        builder.Services.AddSingleton<IChannelSender, SignalSender>();
        return builder;
    }
}
