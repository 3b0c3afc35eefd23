using System.Diagnostics;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.CommandLine;

/// <summary>The admin command line as a person runs it: the real executable, its output and exit code.</summary>
public sealed class CommandLineTests
{
    private static async Task<(int Code, string Output)> Run(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Jasmine.Bots.Host.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task Invite_prints_a_code_on_its_last_line_and_bad_arguments_exit_non_zero_with_the_usage()
    {
        var dir = Path.Combine(Path.GetTempPath(), "jasmine-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output) = await Run("invite", "--role", "member", "--data-dir", dir);
            Assert.Equal(0, code);
            var last = output.Trim().Split('\n')[^1].Trim();
            Assert.Matches("^[A-Z0-9]{10}$", last);

            var (bad, usage) = await Run("invite", "--role", "emperor", "--data-dir", dir);
            Assert.Equal(2, bad);
            Assert.Contains("usage: invite", usage);
            var (unknown, help) = await Run("classify", "0612345678", "--data-dir", dir);
            Assert.Equal(2, unknown);
            Assert.Contains("usage: classify", help);

            // The code printed by the CLI lets a person join.
            using var host = new JasmineFactory(dataDirectory: dir);
            var chat = host.Chat("cli-joiner");
            await chat.Join(last);
            chat.Expect("welcome");
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task While_the_host_runs_the_command_line_goes_through_it_and_the_host_sees_the_change_at_once()
    {
        var dir = Path.Combine(Path.GetTempPath(), "jasmine-tests", Guid.NewGuid().ToString("N"));
        using var host = new JasmineFactory(dataDirectory: dir);
        var chat = host.Chat("live");
        await chat.Join(host.NewInvite());
        await Eventually.True(() => File.Exists(Path.Combine(dir, "admin.sock")), "the admin socket");

        var (code, output) = await Run("classify", "0688776655", "risky", "--data-dir", dir);
        Assert.Equal(0, code);
        Assert.Contains("classified risky", output);
        await chat.Send("0688776655");
        chat.Expect("RISKY");

        var (statsCode, stats) = await Run("stats", "--data-dir", dir);
        Assert.Equal(0, statsCode);
        Assert.Contains("members (total): 1", stats);
        Assert.Equal(1, host.Get<JasmineStore>().Members.Count());
    }
}
