namespace Jasmine.Bots.Channels.Outbox;

public static class OutboxExtensions
{
    public static IHostApplicationBuilder AddOutbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OutboxStore>();
        builder.Services.AddSingleton<ChannelBudgets>();
        builder.Services.AddSingleton(sp =>
        {
            // Defaults follow each channel's published limits; Channels:Limits:<scheme> overrides (tests, benchmarks).
            var limits = new Dictionary<string, ChannelLimit>(StringComparer.Ordinal)
            {
                ["telegram"] = new() { PerSecond = 30, PerConversationPerSecond = 1, ConversationBurst = 3 },
                ["tel"] = new() { PerSecond = 10 },
                ["signal"] = new() { PerSecond = 5 },
            };
            var section = sp.GetRequiredService<IConfiguration>().GetSection("Channels:Limits");
            foreach (var child in section.GetChildren())
            {
                var limit = limits.TryGetValue(child.Key, out var existing) ? existing : new ChannelLimit();
                child.Bind(limit);
                limits[child.Key] = limit;
            }
            return new ChannelPacer(limits, sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddSingleton<Claims>();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        builder.Services.AddSingleton<Outbox>();
        builder.Services.AddSingleton<Try.TryMailbox>();
        builder.Services.AddSingleton<IChannelSender>(sp => sp.GetRequiredService<Try.TryMailbox>());
        builder.Services.AddSingleton<InboundLedger>();
        builder.Services.AddSingleton<ChannelInbound>();
        return builder;
    }
}
