using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Jasmine.Bots.Tests.Support;

/// <summary>
/// The real host as a child process (<c>dotnet Jasmine.Bots.Host.dll</c> from the test output, where the project
/// reference copies it), on 127.0.0.1 and a data directory of the test's: what kill -9 tests need.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private HostProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>The host's own dll, found through the assembly the tests already load.</summary>
    public static string HostDll => typeof(Program).Assembly.Location;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the host and waits until it answers /healthz and its admin socket exists.</summary>
    public static async Task<HostProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string?> settings, TimeSpan? timeout = null)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var info = Command(dataDirectory, settings, "--urls", url);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new HostProcess(process, url);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (host._log) host._log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (host._log) host._log.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The host exited with {process.ExitCode}:\n{host.Log}");
            try
            {
                if ((await http.GetAsync(url + "/healthz")).IsSuccessStatusCode && File.Exists(Path.Combine(dataDirectory, "admin.sock"))) return host;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (watch.Elapsed > limit) { host.Kill(); throw new TimeoutException($"The host did not start within {limit.TotalSeconds} s:\n{host.Log}"); }
            await Task.Delay(100);
        }
    }

    /// <summary>Runs an admin command line as a person would; with a host running it goes through its socket.</summary>
    public static async Task<(int ExitCode, string Output)> RunCliAsync(string dataDirectory, params string[] args)
    {
        var info = Command(dataDirectory, new Dictionary<string, string?>(), args);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static ProcessStartInfo Command(string dataDirectory, IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(HostDll)!,
        };
        info.ArgumentList.Add(HostDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--data-dir");
        info.ArgumentList.Add(dataDirectory);
        foreach (var (key, value) in settings) info.ArgumentList.Add($"--{key}={value}");
        // The CI's environment must not leak into the child (an ASPNETCORE_URLS would override --urls).
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return info;
    }

    /// <summary>SIGINT, as Ctrl+C in the terminal sends; returns the exit code, or null if it was still running after <paramref name="within"/>.</summary>
    public async Task<int?> InterruptAsync(TimeSpan within)
    {
        if (kill(_process.Id, 2) != 0) throw new InvalidOperationException("kill(SIGINT) failed: " + System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
        using var cts = new CancellationTokenSource(within);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { return null; }
        return _process.ExitCode;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    /// <summary>SIGKILL, as the OOM killer or a pulled plug would: no shutdown code runs.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
