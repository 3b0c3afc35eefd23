namespace Jasmine.Bots.Channels.Outbox;

public static class OutboxExtensions
{
    public static IHostApplicationBuilder AddOutbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OutboxStore>();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        builder.Services.AddSingleton<Outbox>();
        builder.Services.AddSingleton<InboundLedger>();
        builder.Services.AddSingleton<ChannelInbound>();
        return builder;
    }
}
