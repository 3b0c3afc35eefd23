using System.Globalization;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Jasmine.Bots.Tests.Sms;

/// <summary>A host whose SMS provider is the Android gateway, a loopback fake of the gateway, and the webhooks registered between them.</summary>
public sealed class AndroidGatewayTestHost : IAsyncDisposable
{
    private AndroidGatewayTestHost(FakeAndroidGatewayServer gateway, JasmineFactory factory, Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> host)
    {
        Gateway = gateway;
        Factory = factory;
        Host = host;
    }

    public FakeAndroidGatewayServer Gateway { get; }
    /// <summary>Owns the data directory and the captured logs.</summary>
    public JasmineFactory Factory { get; }
    public Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Host { get; }
    public LogCapture Logs => Factory.Logs;

    public static async Task<AndroidGatewayTestHost> StartAsync(Dictionary<string, string?>? extra = null, TimeProvider? clock = null, double perSecond = 200, int perDay = 100_000)
    {
        var gateway = await FakeAndroidGatewayServer.StartAsync(clock);
        var settings = new Dictionary<string, string?>
        {
            ["Sms:Provider"] = "android-gateway",
            ["Sms:AndroidGateway:ApiBaseUrl"] = gateway.BaseUrl,
            ["Sms:AndroidGateway:Username"] = FakeAndroidGatewayServer.Username,
            ["Sms:AndroidGateway:Password"] = gateway.Password,
            ["Sms:AndroidGateway:SigningKey"] = gateway.SigningKey,
            ["Sms:AndroidGateway:PerSecond"] = perSecond.ToString(CultureInfo.InvariantCulture),
            ["Sms:AndroidGateway:PerDay"] = perDay.ToString(CultureInfo.InvariantCulture),
            ["Sms:AndroidGateway:ReservedForReplies"] = "0",
            ["Sms:AndroidGateway:ResendAfter"] = "00:00:00.200",
            ["Jasmine:FollowUp:Rota:0"] = "try:staff",
        };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        var factory = new JasmineFactory(settings);
        var host = clock is null ? factory : factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(clock)));
        gateway.Webhooks = host.CreateClient();
        var test = new AndroidGatewayTestHost(gateway, factory, host);
        // As the operator would after installing: the host registers its webhook for each event it handles.
        var output = new StringWriter();
        Assert.Equal(0, await test.Get<AdminCommands>().RunAsync(["sms", "register-webhooks", "http://localhost"], output, CancellationToken.None));
        Assert.Contains("sms:received", output.ToString());
        return test;
    }

    public T Get<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    public string NewInvite() => Get<Jasmine.Bots.Members.MemberService>().CreateInvite(null, Jasmine.Bots.Domain.MemberRole.Member);

    public async Task<string> AdminAsync(params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, await Get<AdminCommands>().RunAsync(args, output, CancellationToken.None));
        return output.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        // Let the fake's last reports land before the host goes away.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Gateway.WebhooksInFlight > 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        if (!ReferenceEquals(Host, Factory)) Host.Dispose();
        Factory.Dispose();
        await Gateway.DisposeAsync();
    }
}

/// <summary>Our clock plus an offset the test moves (to reach tomorrow's SMS budget); timers run in real time.</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;
    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
