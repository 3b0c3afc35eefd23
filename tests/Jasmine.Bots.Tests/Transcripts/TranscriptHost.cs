using System.Diagnostics;
using System.Net.Http.Json;
using Jasmine.Bots.Channels.Try;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Members;
using Jasmine.Bots.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Jasmine.Bots.Tests.Transcripts;

/// <summary>
/// A clock that starts at a fixed instant (so that "yesterday" is always the same date in a transcript), runs at
/// the speed of real time from there, and can be moved forward by hand ("! wait 2h").
/// </summary>
public sealed class TranscriptClock(DateTimeOffset start) : TimeProvider
{
    private readonly long _origin = Stopwatch.GetTimestamp();
    public TimeSpan Offset { get; private set; }

    public void Advance(TimeSpan by) => Offset += by;

    public override DateTimeOffset GetUtcNow() => start + Stopwatch.GetElapsedTime(_origin) + Offset;
}

/// <summary>
/// The real host (<see cref="JasmineFactory"/>) on a data directory of its own, with <see cref="TranscriptClock"/>
/// instead of the system clock, that can be stopped and started again on the same data (a restart).
/// </summary>
public sealed class TranscriptHost : IDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private JasmineFactory? _owner;
    private WebApplicationFactory<Program>? _app;
    private HttpClient? _http;

    public TranscriptHost(Dictionary<string, string?>? settings = null, TranscriptClock? clock = null)
    {
        _settings = settings ?? [];
        Clock = clock ?? new TranscriptClock(DateTimeOffset.UtcNow);
        DataDirectory = Path.Combine(Path.GetTempPath(), "jasmine-tests", "transcript-" + Guid.NewGuid().ToString("N"));
    }

    public TranscriptClock Clock { get; }
    public string DataDirectory { get; }
    public bool Started => _app is not null;

    private WebApplicationFactory<Program> App => _app ?? throw new InvalidOperationException("The host is not started.");
    public HttpClient Http => _http ?? throw new InvalidOperationException("The host is not started.");

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public void Start()
    {
        if (_app is not null) return;
        _owner = new JasmineFactory(_settings, DataDirectory);
        // The derived factory runs JasmineFactory's own configuration first, then swaps the clock.
        _app = _owner.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock)));
        _http = _app.CreateClient();
    }

    /// <summary>Stops the host (the store is closed) and starts a new one on the same data directory.</summary>
    public void Restart()
    {
        Stop();
        Start();
    }

    private void Stop()
    {
        _http?.Dispose();
        _owner?.Dispose(); // disposes the derived factory too
        _http = null;
        _app = null;
        _owner = null;
    }

    public string NewInvite(MemberRole role = MemberRole.Member) => Get<MemberService>().CreateInvite(null, role);

    /// <summary>Posts one message to the try-it channel; a failed request is returned, not thrown.</summary>
    public async Task<(System.Net.HttpStatusCode Status, IReadOnlyList<TryReply> Replies)> Post(string from, string text)
    {
        using var request = TryCookie.Request(App.Services, HttpMethod.Post, "/try/messages", from, JsonContent.Create(new { text }));
        using var response = await Http.SendAsync(request);
        if (!response.IsSuccessStatusCode) return (response.StatusCode, []);
        var body = await response.Content.ReadFromJsonAsync<TryResponse>();
        return (response.StatusCode, body?.Replies ?? []);
    }

    public void Dispose()
    {
        Stop();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
