using Jasmine.Bots.Channels.Try;
using Jasmine.Bots.Members;
using Jasmine.Bots.Domain;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Net.Http.Json;

namespace Jasmine.Bots.Tests.Support;

/// <summary>The real host on a fresh temporary data directory (a real LiteDB file), with every log line captured.</summary>
public sealed class JasmineFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDirectory;

    private readonly Action<IServiceCollection>? _services;

    public JasmineFactory(Dictionary<string, string?>? settings = null, string? dataDirectory = null, Action<IServiceCollection>? services = null)
    {
        _services = services;
        _ownsDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "jasmine-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        _settings = new Dictionary<string, string?>
        {
            ["Jasmine:DataDirectory"] = DataDirectory,
            // Tests talk through try-it on a "Testing" host, where it is otherwise off; many chats share one IP.
            ["Jasmine:TryIt:Enabled"] = "true",
            ["Jasmine:TryIt:PerSessionPerMinute"] = "100000",
            ["Jasmine:TryIt:PerAddressPerMinute"] = "100000",
        };
        foreach (var (k, v) in settings ?? []) _settings[k] = v;
    }

    public string DataDirectory { get; }
    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        if (_services is not null) builder.ConfigureTestServices(_services);
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(_settings));
        // Also as host settings: Program reads some of them (is a channel configured?) before the app is built,
        // when the app configuration above is not applied yet.
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(Logs);
        });
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public string NewInvite(MemberRole role = MemberRole.Member) => Get<MemberService>().CreateInvite(null, role);

    public Chat Chat(string from) => new(CreateClient(), Get<TrySessions>(), from);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDirectory) try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A conversation through the try-it channel, read like a chat transcript.</summary>
public sealed class Chat(HttpClient http, TrySessions sessions, string from)
{
    public IReadOnlyList<TryReply> Last { get; private set; } = [];

    public Task<IReadOnlyList<TryReply>> Send(string text) => Post(new { from, text });

    /// <summary>Shares a position, as the Telegram or Signal location button does.</summary>
    public Task<IReadOnlyList<TryReply>> ShareLocation(double latitude, double longitude) =>
        Post(new { from, text = "", location = new { latitude, longitude } });

    private async Task<IReadOnlyList<TryReply>> Post(object message)
    {
        using var request = TryCookie.Request(sessions, HttpMethod.Post, "/try/messages", from, JsonContent.Create(message));
        var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        Last = (await response.Content.ReadFromJsonAsync<TryResponse>())!.Replies;
        Assert.NotEmpty(Last);
        return Last;
    }

    public string LastText => string.Join("\n---\n", Last.Select(r => r.Text));

    /// <summary>Messages the service sent on its own (warnings, case news), as the try-it page would poll them.</summary>
    public async Task<IReadOnlyList<TryReply>> Inbox()
    {
        var all = new List<TryReply>();
        using var request = TryCookie.Request(sessions, HttpMethod.Get, "/try/messages", from);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var replies = (await response.Content.ReadFromJsonAsync<TryResponse>())!.Replies;
        all.AddRange(replies);
        return all;
    }

    /// <summary>Waits until something arrives unasked, then returns everything that did.</summary>
    public async Task<IReadOnlyList<TryReply>> WaitForInbox(int timeoutMs = 90_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var got = await Inbox();
            if (got.Count > 0) { Last = got; return got; }
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Nothing arrived for {from}");
            await Task.Delay(50);
        }
    }

    /// <summary>Taps the button whose label contains the text (as a person would).</summary>
    public async Task<IReadOnlyList<TryReply>> Tap(string labelContains)
    {
        var choice = Last.SelectMany(r => r.Choices).FirstOrDefault(c => Loosely(c.Label, labelContains))
            ?? throw new Xunit.Sdk.XunitException($"No choice containing '{labelContains}' in: {string.Join(" | ", Last.SelectMany(r => r.Choices).Select(c => c.Label))}");
        return await Send(choice.Value);
    }

    // Accents do not decide a match: a test written "Sante" still finds "Santé" (the locales keep real spelling).
    public void Expect(string contains) =>
        Assert.True(Loosely(LastText, contains), $"Expected a reply containing '{contains}', got:\n{LastText}");

    private static bool Loosely(string text, string part) =>
        System.Globalization.CultureInfo.InvariantCulture.CompareInfo.IndexOf(text, part, System.Globalization.CompareOptions.IgnoreCase | System.Globalization.CompareOptions.IgnoreNonSpace) >= 0;

    /// <summary>Joins with a code, in a language, with a pseudonym and a département.</summary>
    public async Task Join(string code, string languageLabel = "English", string pseudonym = "Lili", string area = "75")
    {
        await Send("JOIN " + code);
        await Tap(languageLabel);
        await Send("1");
        await Send(pseudonym);
        await Send(area);
    }
}
