using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Admin;

/// <summary>
/// Lets the command line act on a running host: the store is opened by one process only, so the CLI hands its
/// arguments to the host over a Unix socket in the data directory (mode 0600: only the host's user may use it).
/// </summary>
public sealed class AdminSocketServer(IOptions<JasmineOptions> options, IServiceProvider services, ILogger<AdminSocketServer> logger) : BackgroundService
{
    public static string PathFor(JasmineOptions options) => options.DataPath("admin.sock");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = PathFor(options.Value);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path)) File.Delete(path);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        listener.Listen(8);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptAsync(stoppingToken);
                _ = Task.Run(() => ServeAsync(client, stoppingToken), stoppingToken);
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            try { File.Delete(path); } catch (IOException) { }
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken ct)
    {
        using var _ = client;
        await using var stream = new NetworkStream(client, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = false };
        try
        {
            var line = await reader.ReadLineAsync(ct);
            // A connection that asks nothing is a probe (is a host running here?): nothing to answer.
            if (line is null) return;
            var args = JsonSerializer.Deserialize<string[]>(line) ?? [];
            using var scope = services.CreateScope();
            var output = new StringWriter();
            var code = await scope.ServiceProvider.GetRequiredService<AdminCommands>().RunAsync(args, output, ct);
            await writer.WriteAsync(JsonSerializer.Serialize(new AdminResponse(code, output.ToString())));
            await writer.FlushAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError("Admin command failed with {ExceptionType}", e.GetType().Name);
            await writer.WriteAsync(JsonSerializer.Serialize(new AdminResponse(1, "The command failed: " + e.GetType().Name + "\n")));
            await writer.FlushAsync(ct);
        }
    }
}

public sealed record AdminResponse(int ExitCode, string Output);

public static class AdminSocketClient
{
    /// <summary>Whether a host listens on the socket (a connection is accepted); nothing is asked of it.</summary>
    public static async Task<bool> AnswersAsync(string socketPath, CancellationToken ct = default)
    {
        if (!File.Exists(socketPath)) return false;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Null when no host is listening (then the CLI opens the store itself).</summary>
    public static async Task<AdminResponse?> TryRunAsync(string socketPath, IReadOnlyList<string> args, CancellationToken ct = default)
    {
        if (!File.Exists(socketPath)) return null;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
        }
        catch (SocketException)
        {
            return null;
        }
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var request = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(args) + "\n");
        await stream.WriteAsync(request, ct);
        await stream.FlushAsync(ct);
        socket.Shutdown(SocketShutdown.Send);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ct);
        return JsonSerializer.Deserialize<AdminResponse>(body);
    }
}
