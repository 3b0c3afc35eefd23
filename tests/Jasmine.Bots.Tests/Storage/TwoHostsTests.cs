using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Jobs;
using Jasmine.Bots.Tests.Support;
using Jasmine.Bots.Tests.Telegram;
using Xunit.Abstractions;

namespace Jasmine.Bots.Tests.Storage;

/// <summary>
/// Two real host processes on one PostgreSQL schema (store and jobs), one fake Bot API: what a deployment with two
/// hosts behind a load balancer sees. Telegram delivers an update to whichever host the balancer picks, and again
/// to another if the first did not answer in time.
/// </summary>
public sealed class TwoHostsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Token = "123456:TWO-hosts";
    private const string Secret = "two_hosts_secret";
    private const long Chat = 730_000_001;
    private readonly string _schema = TestPostgres.NewSchema();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "jasmine-two-hosts", Guid.NewGuid().ToString("N"));
    private readonly string _key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private FakeTelegramServer _bot = null!;
    private int _updateId = 1;

    public async Task InitializeAsync()
    {
        _bot = await FakeTelegramServer.StartAsync(Token, keepCalls: false);
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        if (TestPostgres.ConnectionString is not null)
        {
            TestPostgres.Drop(_schema);
            TestPostgres.Drop(_schema + "_jobs");
        }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Telegram:BotToken"] = Token,
        ["Telegram:ApiBaseUrl"] = _bot.BaseUrl,
        ["Telegram:SecretToken"] = Secret,
        ["Channels:Limits:telegram:PerSecond"] = "1000",
        ["Channels:Limits:telegram:PerConversationPerSecond"] = "100",
        ["Jasmine:MasterKey"] = _key,
        ["Jasmine:Store:Provider"] = "postgres",
        ["Jasmine:Store:ConnectionString"] = TestPostgres.ConnectionString,
        ["Jasmine:Store:Schema"] = _schema,
        ["Jasmine:Store:ClaimSeconds"] = "3",
        ["Jasmine:Jobs:Storage"] = "postgres",
        ["Jasmine:Jobs:ConnectionString"] = TestPostgres.ConnectionString,
        ["Jasmine:Jobs:Schema"] = _schema + "_jobs",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private async Task<(HostProcess A, HostProcess B)> StartTwoAsync()
    {
        var settings = Settings();
        // Her membership, written through the same store the hosts share.
        using (var prepare = new JasmineFactory(settings, Path.Combine(_root, "prepare"))) TelegramMembers.Join(prepare.Services, Chat, 1);
        var a = HostProcess.StartAsync(Path.Combine(_root, "a"), settings, TimeSpan.FromSeconds(60));
        var b = HostProcess.StartAsync(Path.Combine(_root, "b"), settings, TimeSpan.FromSeconds(60));
        return (await a, await b);
    }

    private static async Task<HttpStatusCode> PostAsync(HostProcess host, JsonObject update)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, host.Url + "/channels/telegram")
        {
            Content = new StringContent(update.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", Secret);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static string Number(int i) => "06 11 22 33 " + (10 + i).ToString(CultureInfo.InvariantCulture);
    private static string Shown(int i) => "+33 6 11 22 33 " + (10 + i).ToString(CultureInfo.InvariantCulture) + ": not signaled";

    private List<string> Answers() => _bot.MessagesTo(Chat).Select(m => m.Text ?? "").ToList();

    [PostgresFact]
    public async Task Each_message_is_answered_once_and_in_order_across_two_hosts_and_a_killed_host_loses_nothing()
    {
        var (a, b) = await StartTwoAsync();
        await using var _a = a;
        await using var _b = b;

        // 1. The same update delivered to both hosts at once (a balancer's retry): one answer.
        var same = Updates.Text(_updateId++, Chat, Number(0));
        var both = await Task.WhenAll(PostAsync(a, same), PostAsync(b, same));
        Assert.All(both, s => Assert.Equal(HttpStatusCode.OK, s));
        await Eventually.True(() => Answers().Any(t => t.Contains(Shown(0), StringComparison.Ordinal)), "the answer to the update sent to both", 20_000);

        // 2. One conversation's messages alternate between the hosts, each sent once the previous was acknowledged
        // (Telegram waits for a 200 before the chat's next update): every one answered once, in her order.
        const int count = 12;
        for (var i = 1; i <= count; i++)
            Assert.Equal(HttpStatusCode.OK, await PostAsync(i % 2 == 0 ? a : b, Updates.Text(_updateId++, Chat, Number(i))));
        await Eventually.True(() => Enumerable.Range(1, count).All(i => Answers().Any(t => t.Contains(Shown(i), StringComparison.Ordinal))), "every interleaved message answered", 30_000);
        await Task.Delay(1500);
        var answers = Answers();
        for (var i = 0; i <= count; i++) Assert.Single(answers, t => t.Contains(Shown(i), StringComparison.Ordinal));
        var order = answers.Select(t => Enumerable.Range(0, count + 1).FirstOrDefault(i => t.Contains(Shown(i), StringComparison.Ordinal), -1)).Where(i => i >= 0).ToList();
        Assert.Equal(Enumerable.Range(0, count + 1), order);

        // 3. Host A acknowledges a message and is killed while its send hangs on the network: host B sends the answer
        // once A's hold on the conversation has run out (3 s here). Nothing A acknowledged is lost.
        _bot.HoldNext(1, TimeSpan.FromSeconds(60));
        var last = count + 1;
        Assert.Equal(HttpStatusCode.OK, await PostAsync(a, Updates.Text(_updateId++, Chat, Number(last))));
        await Eventually.True(() => _bot.Held >= 1, "A's send on its way", 10_000);
        a.Kill();
        var killed = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.True(() => Answers().Any(t => t.Contains(Shown(last), StringComparison.Ordinal)), "host B sent what host A had acknowledged", 30_000);
        output.WriteLine($"B answered for A {killed.Elapsed.TotalSeconds:0.0} s after the kill");
        Assert.True(killed.Elapsed > TimeSpan.FromSeconds(1.5), "B sent while A still held the conversation");
        await Task.Delay(1000);
        Assert.Single(Answers(), t => t.Contains(Shown(last), StringComparison.Ordinal));

        // 4. B alone goes on answering.
        Assert.Equal(HttpStatusCode.OK, await PostAsync(b, Updates.Text(_updateId++, Chat, Number(last + 1))));
        await Eventually.True(() => Answers().Any(t => t.Contains(Shown(last + 1), StringComparison.Ordinal)), "B answers alone", 20_000);
    }
}
