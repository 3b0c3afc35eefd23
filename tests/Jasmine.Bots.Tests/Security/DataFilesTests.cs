using System.Diagnostics;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Security;

/// <summary>Issue 12, findings 7 and 8 (CLI): world-readable database files; a raw stack trace for a CLI user who cannot read the key.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFilesTests : IDisposable
{
    private readonly string _root = Path.Combine("/tmp", "jasmine-files-" + Guid.NewGuid().ToString("N"));

    public DataFilesTests()
    {
        Directory.CreateDirectory(_root);
        // Reachable by another user, as a home directory would be: only the data directory itself must be closed.
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
    }

    private string Data => Path.Combine(_root, "data");

    [Fact]
    public async Task The_data_directory_is_0700_and_every_store_file_0600_even_when_they_were_world_readable_before()
    {
        Directory.CreateDirectory(Data);
        File.SetUnixFileMode(Data, (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(Data, "stray.txt"), "left by an older version");
        File.SetUnixFileMode(Path.Combine(Data, "stray.txt"), (UnixFileMode)0b110_100_100);

        using (var host = new JasmineFactory(dataDirectory: Data))
        {
            var chat = host.Chat("files");
            await chat.Join(host.NewInvite());
            await chat.Send("06 12 34 56 78");
            Assert.True(File.Exists(Path.Combine(Data, "jasmine-log.db")) || File.Exists(Path.Combine(Data, "jasmine.db")));
            AssertPrivate();
        }
        AssertPrivate();
    }

    private void AssertPrivate()
    {
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(Data));
        foreach (var file in Directory.GetFiles(Data))
        {
            if (Path.GetFileName(file) == "admin.sock") continue;
            Assert.True((File.GetUnixFileMode(file) & (UnixFileMode)0b000_111_111) == 0, $"{Path.GetFileName(file)} is {File.GetUnixFileMode(file)}");
        }
    }

    [Fact]
    public async Task A_command_line_user_who_cannot_read_the_key_gets_one_clear_line_and_no_stack_trace()
    {
        using (var host = new JasmineFactory(dataDirectory: Data)) host.NewInvite();
        var key = Path.Combine(Data, "jasmine.key");
        Assert.True(File.Exists(key), "no key file in " + string.Join(", ", Directory.GetFiles(Data).Select(Path.GetFileName)));

        var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _root };
        if (Environment.UserName == "root" && File.Exists("/usr/bin/setpriv"))
        {
            // Root reads any file: run the CLI as "nobody", who may open the directory but not the key (still root's, 0600).
            foreach (var path in new[] { Data }.Concat(Directory.GetFiles(Data)).Where(p => p != key)) Chown(path);
            File.SetUnixFileMode(Data, (UnixFileMode)0b111_000_000);
            info.FileName = "/usr/bin/setpriv";
            foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "dotnet" }) info.ArgumentList.Add(a);
            info.Environment["HOME"] = _root;
            info.Environment["DOTNET_CLI_HOME"] = _root;
        }
        else
        {
            File.SetUnixFileMode(key, UnixFileMode.None);
            info.FileName = "dotnet";
        }
        foreach (var a in new[] { HostProcess.HostDll, "stats", "--data-dir", Data }) info.ArgumentList.Add(a);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment.Remove("ASPNETCORE_URLS");

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        var output = (await stdout + await stderr).Trim();

        Assert.True(process.ExitCode == 1, $"exit {process.ExitCode}: {output}");
        Assert.Contains("Cannot read the key file", output);
        Assert.Contains("permission denied", output);
        Assert.DoesNotContain("   at ", output);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("jasmine:", StringComparison.Ordinal));
    }

    private static void Chown(string path)
    {
        using var chown = Process.Start(new ProcessStartInfo("chown", ["65534:65534", path]) { UseShellExecute = false, RedirectStandardError = true })!;
        var error = chown.StandardError.ReadToEnd();
        chown.WaitForExit();
        // A file the store removed meanwhile (LiteDB's log after its checkpoint) needs no owner.
        Assert.True(chown.ExitCode == 0 || !File.Exists(path), $"chown {Path.GetFileName(path)}: {error}");
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
