using System.Net;
using System.Net.Http.Json;
using Jasmine.Bots.Channels.Try;
using Jasmine.Bots.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Jasmine.Bots.Tests.Security;

/// <summary>Issue 12, finding 1: the try-it chat let anyone speak as any member by naming her id.</summary>
public sealed class TryItSecurityTests : IDisposable
{
    private readonly List<IDisposable> _hosts = [];

    private JasmineFactory Host(Dictionary<string, string?>? settings = null)
    {
        var host = new JasmineFactory(settings);
        _hosts.Add(host);
        return host;
    }

    private static HttpClient Browser(WebApplicationFactory<Program> host) =>
        host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Outside_development_the_try_it_chat_is_off_unless_explicitly_enabled(string environment)
    {
        using var host = Host(new() { ["Jasmine:TryIt:Enabled"] = null }).WithWebHostBuilder(b => b.UseEnvironment(environment));
        using var http = Browser(host);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/try")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsJsonAsync("/try/messages", new { from = "victim", text = "MENU" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/try/messages?from=victim")).StatusCode);
    }

    [Fact]
    public async Task In_development_it_is_on_by_default_and_the_start_up_log_says_so_loudly()
    {
        var owner = Host(new() { ["Jasmine:TryIt:Enabled"] = null });
        using var host = owner.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        using var http = Browser(host);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/try")).StatusCode);
        Assert.Contains(owner.Logs.Lines, l => l.Contains("try-it chat is ON", StringComparison.Ordinal) && l.Contains("Warning", StringComparison.Ordinal));
    }

    [Fact]
    public void The_deploy_files_never_turn_it_on_nor_run_the_host_as_development()
    {
        var deploy = Repository.Path("deploy");
        foreach (var file in Directory.GetFiles(deploy))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("TryIt", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("ENVIRONMENT=Development", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_page_without_its_session_cookie_is_refused_and_a_from_field_names_nobody()
    {
        var host = Host();
        var victim = host.Chat("victim");
        await victim.Join(host.NewInvite(), pseudonym: "Nadia");
        await victim.Send("MENU");

        using var attacker = Browser(host);
        // No cookie: nothing runs.
        var refused = await attacker.PostAsJsonAsync("/try/messages", new { from = "victim", text = "MENU" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("reload the page", await refused.Content.ReadAsStringAsync());
        // A forged cookie: nothing runs either.
        using (var forged = new HttpRequestMessage(HttpMethod.Post, "/try/messages") { Content = JsonContent.Create(new { text = "MENU" }) })
        {
            forged.Headers.Add("Cookie", $"{TrySessions.Cookie}=victim.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.SendAsync(forged)).StatusCode);
        }

        // With a session of her own the attacker is a stranger, whatever "from" she writes.
        var session = await attacker.GetFromJsonAsync<TrySession>("/try/session");
        Assert.StartsWith("try:", session!.Address);
        Assert.NotEqual("try:victim", session.Address);
        Assert.Equal(32, session.Address.Length - 4);
        var answer = await attacker.PostAsJsonAsync("/try/messages", new { from = "victim", text = "MENU" });
        answer.EnsureSuccessStatusCode();
        var text = string.Join("\n", (await answer.Content.ReadFromJsonAsync<TryResponse>())!.Replies.Select(r => r.Text));
        Assert.DoesNotContain("Nadia", text);
        Assert.NotNull(host.Get<Jasmine.Bots.Members.MemberService>().FindByAddress("try:victim"));
        Assert.Null(host.Get<Jasmine.Bots.Members.MemberService>().FindByAddress(session.Address));
    }

    [Fact]
    public async Task Her_queued_messages_cannot_be_drained_by_someone_naming_her()
    {
        var host = Host();
        var mailbox = host.Get<TryMailbox>();
        await mailbox.SendAsync("try:victim", new Jasmine.Bots.Channels.OutboundMessage("Jasmine: you have a new message.", [], "en"), CancellationToken.None);

        using var attacker = Browser(host);
        await attacker.GetAsync("/try");
        var drained = await attacker.GetFromJsonAsync<TryResponse>("/try/messages?from=victim");
        Assert.Empty(drained!.Replies);

        var victim = host.Chat("victim");
        var hers = await victim.Inbox();
        Assert.Single(hers);
    }

    [Fact]
    public async Task Messages_are_rate_limited_per_session_with_a_kind_answer()
    {
        var host = Host(new() { ["Jasmine:TryIt:PerSessionPerMinute"] = "5" });
        using var http = Browser(host);
        await http.GetAsync("/try");
        for (var i = 0; i < 5; i++) (await http.PostAsJsonAsync("/try/messages", new { text = "hello" })).EnsureSuccessStatusCode();
        var sixth = await http.PostAsJsonAsync("/try/messages", new { text = "hello" });
        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        Assert.Contains("wait a moment", await sixth.Content.ReadAsStringAsync());

        // Another browser is not slowed down by her.
        using var other = Browser(host);
        await other.GetAsync("/try");
        (await other.PostAsJsonAsync("/try/messages", new { text = "hello" })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task New_sessions_from_one_address_share_that_address_limit()
    {
        var host = Host(new() { ["Jasmine:TryIt:PerAddressPerMinute"] = "6" });
        var statuses = new List<HttpStatusCode>();
        for (var s = 0; s < 4; s++)
        {
            using var http = Browser(host);
            await http.PostAsync("/try/session", null);
            for (var i = 0; i < 2; i++) statuses.Add((await http.PostAsJsonAsync("/try/messages", new { text = "hello" })).StatusCode);
        }
        Assert.Equal(6, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task No_log_line_carries_the_try_it_session_or_the_text()
    {
        var host = Host();
        using var http = Browser(host);
        var session = (await http.GetFromJsonAsync<TrySession>("/try/session"))!.Address["try:".Length..];
        (await http.PostAsJsonAsync("/try/messages", new { text = "0612345678" })).EnsureSuccessStatusCode();
        await http.GetAsync("/try/messages?from=" + session);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(session, StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("0612345678", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_oversized_or_broken_body_gets_a_short_answer_and_no_stack_trace()
    {
        var host = Host();
        using var http = Browser(host);
        await http.GetAsync("/try");
        var big = await http.PostAsJsonAsync("/try/messages", new { text = new string('a', 200_000) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        var broken = await http.PostAsync("/try/messages", new StringContent("{\"text\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        foreach (var h in _hosts) h.Dispose();
    }
}
