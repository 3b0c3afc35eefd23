using Jasmine.Bots.Localization;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Conversations;

public static class ConversationExtensions
{
    /// <summary>Locales, flows (checked at start-up: a broken flow is a start-up error), the engine and the turn runner.</summary>
    public static IHostApplicationBuilder AddConversations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => Locales.Load(ContentDirectory(sp, "locales", o => o.Conversations.LocalesDirectory)));
        builder.Services.AddSingleton(sp =>
        {
            var flows = FlowSet.Load(ContentDirectory(sp, "conversations", o => o.Conversations.FlowsDirectory));
            var problems = flows.Validate(sp.GetRequiredService<Locales>(), sp.GetRequiredService<BotFlowHost>());
            if (problems.Count > 0) throw new InvalidOperationException("Flows in conversations/ are invalid:\n" + string.Join('\n', problems));
            return flows;
        });
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<JasmineOptions>>().Value.Conversations;
            return new ConversationEngine(sp.GetRequiredService<FlowSet>(), sp.GetRequiredService<Locales>(),
                new EngineOptions { ResumePromptAfter = o.ResumePromptAfter, DiscardAfter = o.DiscardAfter });
        });
        builder.Services.AddSingleton(_ => Places.Gazetteer.LoadEmbedded());
        builder.Services.AddSingleton<ConversationStore>();
        builder.Services.AddSingleton<BotFlowHost>();
        builder.Services.AddSingleton<TurnProcessor>();
        builder.Services.AddSingleton<IFlowFeature, Members.LinkFeature>();
        // Resolve now so that a broken flow or locale stops the start-up instead of the first conversation.
        builder.Services.AddHostedService<FlowCheck>();
        return builder;
    }

    /// <summary>Flows and texts ship beside the binary; from a source checkout they are found at the repository root.</summary>
    internal static string ContentDirectory(IServiceProvider sp, string name, Func<JasmineOptions, string?> configured)
    {
        if (configured(sp.GetRequiredService<IOptions<JasmineOptions>>().Value) is { Length: > 0 } explicitDir) return explicitDir;
        var beside = Path.Combine(AppContext.BaseDirectory, name);
        if (Directory.Exists(beside)) return beside;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, name)) && File.Exists(Path.Combine(dir.FullName, "Jasmine.Bots.sln")))
                return Path.Combine(dir.FullName, name);
        throw new DirectoryNotFoundException($"Cannot find the '{name}' directory.");
    }

    private sealed class FlowCheck(ConversationEngine engine) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => engine.Flows.Flows.Count > 0 ? Task.CompletedTask : throw new InvalidOperationException("No flows loaded.");
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
