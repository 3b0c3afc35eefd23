using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.CommandLine;

/// <summary>
/// A newcomer's first run, as the issue saw it: the try-it page polls every 3 s, and the framework's per-request
/// lines (12 every 3 s) buried the warning that the master key was just generated and must be backed up. Ctrl+C
/// must stop the host promptly and cleanly.
/// </summary>
public sealed class FirstRunTests
{
    [Fact]
    public async Task Polling_the_try_it_chat_writes_no_log_lines_and_ctrl_c_stops_the_host_cleanly()
    {
        var dir = Path.Combine(Path.GetTempPath(), "jasmine-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var host = await HostProcess.StartAsync(dir, new Dictionary<string, string?> { ["Jasmine:TryIt:Enabled"] = "true" }, TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = new Uri(host.Url) };
            var startLog = host.Log;
            for (var i = 0; i < 10; i++)
            {
                // Unauthenticated polls (no session cookie yet) and the page itself: what a browser tab does.
                using var poll = await http.GetAsync("/try/messages");
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, poll.StatusCode);
            }
            using (var page = await http.GetAsync("/try")) Assert.True(page.IsSuccessStatusCode);
            await Task.Delay(500);
            var pollingLog = host.Log[startLog.Length..];
            Assert.True(pollingLog.Trim().Length == 0, "polling wrote to the log:\n" + pollingLog);

            // The warning a newcomer must see is among the first lines, not after pages of framework chatter.
            var lines = startLog.Split('\n');
            var keyLine = Array.FindIndex(lines, l => l.Contains("Generated a new master key file", StringComparison.Ordinal));
            Assert.InRange(keyLine, 0, 12);
            Assert.DoesNotContain(lines, l => l.Contains("Hangfire", StringComparison.Ordinal) && l.StartsWith("info", StringComparison.Ordinal));

            var code = await host.InterruptAsync(TimeSpan.FromSeconds(30));
            Assert.True(code == 0, $"after Ctrl+C: {(code is null ? "still running after 30 s" : "exit code " + code)}\n{host.Log}");
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
