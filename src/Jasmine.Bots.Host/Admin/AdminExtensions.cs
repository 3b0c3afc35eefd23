using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Admin;

public static class AdminExtensions
{
    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AdminCommands>();
        builder.Services.AddSingleton<IAdminCommand, InviteCommand>();
        builder.Services.AddSingleton<IAdminCommand, ClassifyCommand>();
        builder.Services.AddSingleton<IAdminCommand, StatsCommand>();
        builder.Services.AddHostedService<AdminSocketServer>();
        return builder;
    }

    public static bool IsAdminCommand(string[] args) => args.Length > 0 && AdminCommands.Names.Contains(args[0]);

    /// <summary>
    /// Runs a command line such as <c>invite --role member</c>: through the running host when there is one,
    /// otherwise on the store directly. Returns the process exit code.
    /// </summary>
    public static async Task<int> RunAdminAsync(this WebApplicationBuilder builder, string[] args)
    {
        try
        {
            return await RunAsync(builder, args);
        }
        catch (Exception e) when (Unwrap(e) is DataAccessException problem)
        {
            // One line a person can act on, not a stack trace.
            Console.Error.WriteLine("jasmine: " + problem.Message);
            return 1;
        }
    }

    private static Exception? Unwrap(Exception? e)
    {
        for (; e is not null; e = e.InnerException) if (e is DataAccessException) return e;
        return null;
    }

    private static async Task<int> RunAsync(WebApplicationBuilder builder, string[] args)
    {
        var app = builder.Build();
        var options = app.Services.GetRequiredService<IOptions<JasmineOptions>>().Value;
        var remote = await AdminSocketClient.TryRunAsync(AdminSocketServer.PathFor(options), args);
        if (remote is not null)
        {
            Console.Out.Write(remote.Output);
            return remote.ExitCode;
        }
        await using (app)
        {
            return await app.Services.GetRequiredService<AdminCommands>().RunAsync(args, Console.Out, CancellationToken.None);
        }
    }

    /// <summary>Host settings given on a command line (--data-dir X, --Jasmine:Key=value) are split from the command's own.</summary>
    public static string[] HostArgs(string[] args)
    {
        var host = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--data-dir" && i + 1 < args.Length) { host.Add(args[i]); host.Add(args[++i]); }
            else if (args[i].StartsWith("--data-dir=", StringComparison.Ordinal) || (args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains(':') && args[i].Contains('='))) host.Add(args[i]);
        }
        return host.ToArray();
    }

    public static string[] CommandArgs(string[] args)
    {
        var command = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--data-dir") { i++; continue; }
            if (args[i].StartsWith("--data-dir=", StringComparison.Ordinal) || (args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains(':') && args[i].Contains('='))) continue;
            command.Add(args[i]);
        }
        return command.ToArray();
    }
}
