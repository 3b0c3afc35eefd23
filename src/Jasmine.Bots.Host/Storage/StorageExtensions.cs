using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Members;
using Jasmine.Bots.Privacy;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Screening;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Storage;

public static class StorageExtensions
{
    /// <summary>Options, the master key, the LiteDB store and the services that read and write it.</summary>
    public static IHostApplicationBuilder AddJasmineStore(this IHostApplicationBuilder builder)
    {
        // --data-dir is the short form people type; Jasmine:DataDirectory is the configuration key.
        if (builder.Configuration["data-dir"] is { Length: > 0 } dataDir) builder.Configuration["Jasmine:DataDirectory"] = dataDir;
        builder.Services.AddOptions<JasmineOptions>().Bind(builder.Configuration.GetSection(JasmineOptions.Section))
            .Validate(o => o.Screening.PerHour > 0, "Jasmine:Screening:PerHour must be positive.")
            .Validate(o => o.Invites.ValidDays > 0, "Jasmine:Invites:ValidDays must be positive.")
            .Validate(o => o.Store.Provider is "litedb" or "postgres", "Jasmine:Store:Provider must be 'litedb' or 'postgres'.")
            .Validate(o => o.Store.Provider != "postgres" || !string.IsNullOrWhiteSpace(o.Store.ConnectionString), "Jasmine:Store:ConnectionString is required for postgres.")
            .Validate(o => System.Text.RegularExpressions.Regex.IsMatch(o.Store.Schema, "^[a-z_][a-z0-9_]{0,62}$"), "Jasmine:Store:Schema must be a lower-case PostgreSQL name (letters, digits, _).")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<JasmineOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Jasmine.Keys");
            return new FieldProtector(KeyFile.LoadOrCreate(options, logger));
        });
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<JasmineOptions>>().Value;
            var protector = sp.GetRequiredService<FieldProtector>();
            return options.Store.Provider == "postgres"
                ? new JasmineStore(new PostgresDocumentStore(options.Store.ConnectionString!, options.Store.Schema), options.DataPath("jasmine.db"), protector, options.Store.Durable)
                : new JasmineStore(options.DataPath("jasmine.db"), protector, options.Store.Durable);
        });
        builder.Services.AddSingleton(sp => new IdentifierParser(sp.GetRequiredService<IOptions<JasmineOptions>>().Value.DefaultRegion));
        builder.Services.AddSingleton<MemberStore>();
        builder.Services.AddSingleton<MemberService>();
        builder.Services.AddSingleton<ProfileStore>();
        builder.Services.AddSingleton<ProfileService>();
        builder.Services.AddSingleton<ReportStore>();
        builder.Services.AddSingleton<CaseStore>();
        builder.Services.AddSingleton<NoticeStore>();
        builder.Services.AddSingleton<WipeStore>();
        builder.Services.AddSingleton<StaffAccountStore>();
        builder.Services.AddSingleton<SessionCookies>();
        builder.Services.AddSingleton<ScreeningAllowance>();
        builder.Services.AddSingleton<ScreeningService>();
        builder.Services.AddSingleton<ScreeningIndex>();
        return builder;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", (JasmineStore store) => store.IsOpen() ? Results.Ok("ok") : Results.StatusCode(503));
        return app;
    }
}
