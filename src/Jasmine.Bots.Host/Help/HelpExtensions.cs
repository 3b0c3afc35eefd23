using Jasmine.Bots.Admin;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Help;

public static class HelpExtensions
{
    /// <summary>Nearest support services, key information and the note for the doctor; the <c>services</c> admin command.</summary>
    public static IHostApplicationBuilder AddHelp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp =>
        {
            // The sample directory ships with the flows; a first start seeds the store from it.
            var flows = ConversationExtensions.ContentDirectory(sp, "conversations", o => o.Conversations.FlowsDirectory);
            return new SupportServiceStore(sp.GetRequiredService<JasmineStore>(), sp.GetRequiredService<TimeProvider>(),
                Path.Combine(flows, "services.sample.csv"), sp.GetRequiredService<ILogger<SupportServiceStore>>());
        });
        builder.Services.AddSingleton<HealthNoteStore>();
        // The medical delays, in one reviewed file beside the flows (conversations/facts/medical.yaml).
        builder.Services.AddSingleton(sp => MedicalFacts.Load(Path.Combine(
            ConversationExtensions.ContentDirectory(sp, "conversations", o => o.Conversations.FlowsDirectory), MedicalFacts.RelativePath)));
        builder.Services.AddSingleton<ServicesFeature>();
        builder.Services.AddSingleton<IFlowFeature>(sp => sp.GetRequiredService<ServicesFeature>());
        builder.Services.AddSingleton<UrgentAdvice>();
        builder.Services.AddSingleton<IFlowFeature, HealthFeature>();
        builder.Services.AddSingleton<IAdminCommand, ServicesCommand>();
        return builder;
    }
}
