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
        builder.Services.AddSingleton<IAdminCommand, BackupCommand>();
        builder.Services.AddSingleton<IAdminCommand, RestoreCommand>();
        builder.Services.AddSingleton<IAdminCommand, StoreCommand>();
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
        args = WithFullPaths(args);
        var remote = await AdminSocketClient.TryRunAsync(AdminSocketServer.PathFor(options), args);
        if (remote is not null)
        {
            Console.Out.Write(remote.Output);
            return remote.ExitCode;
        }
        await using (app)
        {
            // restore replaces the data file: it runs before anything opens the store (the other commands do).
            if (args[0] == "restore")
                return await AdminCommands.RunOneAsync(ActivatorUtilities.CreateInstance<RestoreCommand>(app.Services), args[1..], Console.Out, CancellationToken.None);
            // store migrate reads the embedded file itself, as it is on disk: nothing else may open it first.
            if (args[0] == "store")
                return await AdminCommands.RunOneAsync(ActivatorUtilities.CreateInstance<StoreCommand>(app.Services), args[1..], Console.Out, CancellationToken.None);
            return await app.Services.GetRequiredService<AdminCommands>().RunAsync(args, Console.Out, CancellationToken.None);
        }
    }

    /// <summary>
    /// The file of a backup or a restore, made absolute where the person typed it: the host that runs the command
    /// has a working directory of its own.
    /// </summary>
    private static string[] WithFullPaths(string[] args)
    {
        if (args.Length < 2 || args[0] is not ("backup" or "restore") || args[1].StartsWith("--", StringComparison.Ordinal)) return args;
        var copy = (string[])args.Clone();
        copy[1] = Path.GetFullPath(copy[1]);
        return copy;
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
