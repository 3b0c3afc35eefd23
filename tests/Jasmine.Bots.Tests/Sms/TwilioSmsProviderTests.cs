using Jasmine.Bots.Channels.Sms;
using Jasmine.Bots.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Jasmine.Bots.Tests.Sms;

public sealed class TwilioSmsProviderTests : IAsyncLifetime
{
    private const string To = "+33612345678";
    private const string From = "+33757000001";
    private const string Body = "Message de test: rendez-vous confidentiel 42";

    private FakeTwilioServer _twilio = null!;
    private readonly Jasmine.Bots.Tests.Support.LogCapture _logs = new();

    public async Task InitializeAsync() => _twilio = await FakeTwilioServer.StartAsync();

    public async Task DisposeAsync() => await _twilio.DisposeAsync();

    [Fact]
    public async Task A_message_is_sent_with_basic_auth_and_the_configured_sender()
    {
        using var host = BuildHost(_twilio.BaseUrl, _twilio.AuthToken);
        var provider = host.Services.GetRequiredService<ISmsProvider>();

        var result = await provider.SendAsync(To, Body, CancellationToken.None);

        Assert.Equal(SmsSendStatus.Sent, result.Status);
        var message = Assert.Single(_twilio.Messages);
        Assert.Equal(result.ProviderId, message.Sid);
        Assert.Matches("^SM[0-9a-f]{32}$", message.Sid);
        Assert.Equal((To, From, (string?)null, Body), (message.To, message.From, message.MessagingServiceSid, message.Body));
    }

    [Fact]
    public async Task A_messaging_service_is_used_instead_of_a_sender_when_configured()
    {
        using var host = BuildHost(_twilio.BaseUrl, _twilio.AuthToken, messagingServiceSid: "MG00000000000000000000000000000001");
        var result = await host.Services.GetRequiredService<ISmsProvider>().SendAsync(To, "Bonjour ç€😀", CancellationToken.None);

        Assert.Equal(SmsSendStatus.Sent, result.Status);
        var message = Assert.Single(_twilio.Messages);
        Assert.Null(message.From);
        Assert.Equal("MG00000000000000000000000000000001", message.MessagingServiceSid);
        Assert.Equal("Bonjour ç€😀", message.Body);
    }

    [Fact]
    public async Task A_wrong_auth_token_fails_without_retry()
    {
        using var host = BuildHost(_twilio.BaseUrl, "not-the-token");
        var result = await host.Services.GetRequiredService<ISmsProvider>().SendAsync(To, Body, CancellationToken.None);

        Assert.Equal(new SmsSendResult(SmsSendStatus.Failed, ErrorCode: 20003), result);
        Assert.Empty(_twilio.Messages);
    }

    [Fact]
    public async Task A_recipient_who_sent_stop_is_reported_as_opted_out()
    {
        _twilio.FailFor(To, FakeTwilioServer.Unsubscribed());
        using var host = BuildHost(_twilio.BaseUrl, _twilio.AuthToken);
        var result = await host.Services.GetRequiredService<ISmsProvider>().SendAsync(To, Body, CancellationToken.None);

        Assert.Equal(new SmsSendResult(SmsSendStatus.OptedOut, ErrorCode: 21610), result);
    }

    [Fact]
    public async Task A_number_that_is_not_e164_is_reported_as_bad()
    {
        using var host = BuildHost(_twilio.BaseUrl, _twilio.AuthToken);
        var result = await host.Services.GetRequiredService<ISmsProvider>().SendAsync("0612345678", Body, CancellationToken.None);

        Assert.Equal(new SmsSendResult(SmsSendStatus.BadNumber, ErrorCode: 21211), result);
    }

    [Fact]
    public async Task A_landline_is_reported_as_bad()
    {
        _twilio.FailFor(To, new FakeTwilioFailure(400, 21614, Message: "'To' number is not a valid mobile number"));
        using var host = BuildHost(_twilio.BaseUrl, _twilio.AuthToken);
        var result = await host.Services.GetRequiredService<ISmsProvider>().SendAsync(To, Body, CancellationToken.None);

        Assert.Equal(SmsSendStatus.BadNumber, result.Status);
    }

    [Fact]
    public async Task Too_many_requests_asks_to_retry_after_the_announced_delay()
    {
        _twilio.FailNext(1, FakeTwilioServer.TooManyRequests(retryAfterSeconds: 1));
        using var host = BuildHost(_twilio.BaseUrl, _twilio.AuthToken);
        var provider = host.Services.GetRequiredService<ISmsProvider>();

        var first = await provider.SendAsync(To, Body, CancellationToken.None);
        var second = await provider.SendAsync(To, Body, CancellationToken.None);

        Assert.Equal(new SmsSendResult(SmsSendStatus.RetryLater, RetryAfter: TimeSpan.FromSeconds(1), ErrorCode: 20429), first);
        Assert.Equal(SmsSendStatus.Sent, second.Status);
        Assert.Single(_twilio.Messages);
    }

    [Fact]
    public async Task A_server_error_asks_to_retry_later()
    {
        _twilio.FailNext(2, FakeTwilioServer.ServerError());
        using var host = BuildHost(_twilio.BaseUrl, _twilio.AuthToken);
        var provider = host.Services.GetRequiredService<ISmsProvider>();

        Assert.Equal(new SmsSendResult(SmsSendStatus.RetryLater), await provider.SendAsync(To, Body, CancellationToken.None));
        Assert.Equal(new SmsSendResult(SmsSendStatus.RetryLater), await provider.SendAsync(To, Body, CancellationToken.None));
        Assert.Equal(SmsSendStatus.Sent, (await provider.SendAsync(To, Body, CancellationToken.None)).Status);
        Assert.Equal(3, _twilio.RequestCount);
    }

    [Fact]
    public async Task An_unreachable_gateway_asks_to_retry_later()
    {
        var closed = await FakeTwilioServer.StartAsync();
        var deadUrl = closed.BaseUrl;
        await closed.DisposeAsync();

        using var host = BuildHost(deadUrl, closed.AuthToken);
        var result = await host.Services.GetRequiredService<ISmsProvider>().SendAsync(To, Body, CancellationToken.None);

        Assert.Equal(SmsSendStatus.RetryLater, result.Status);
    }

    [Fact]
    public async Task Another_client_error_fails_with_its_code()
    {
        _twilio.FailNext(1, new FakeTwilioFailure(400, 21606, Message: "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination/account."));
        using var host = BuildHost(_twilio.BaseUrl, _twilio.AuthToken);
        var result = await host.Services.GetRequiredService<ISmsProvider>().SendAsync(To, Body, CancellationToken.None);

        Assert.Equal(new SmsSendResult(SmsSendStatus.Failed, ErrorCode: 21606), result);
    }

    [Fact]
    public async Task A_body_over_1600_characters_is_the_callers_bug()
    {
        using var host = BuildHost(_twilio.BaseUrl, _twilio.AuthToken);
        var provider = host.Services.GetRequiredService<ISmsProvider>();

        await Assert.ThrowsAsync<ArgumentException>(() => provider.SendAsync(To, new string('a', 1601), CancellationToken.None));
        Assert.Equal(SmsSendStatus.Sent, (await provider.SendAsync(To, new string('a', 1600), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task The_token_the_number_and_the_body_never_reach_a_log()
    {
        using var host = BuildHost(_twilio.BaseUrl, _twilio.AuthToken);
        var provider = host.Services.GetRequiredService<ISmsProvider>();

        _twilio.FailNext(1, FakeTwilioServer.TooManyRequests());
        _twilio.FailNext(1, FakeTwilioServer.ServerError());
        _twilio.FailFor("+33699999999", FakeTwilioServer.Unsubscribed());
        await provider.SendAsync(To, Body, CancellationToken.None);
        await provider.SendAsync(To, Body, CancellationToken.None);
        await provider.SendAsync(To, Body, CancellationToken.None);
        await provider.SendAsync("+33699999999", Body, CancellationToken.None);
        await provider.SendAsync("0612345678", Body, CancellationToken.None);   // Twilio's error quotes the number
        using (var wrongToken = BuildHost(_twilio.BaseUrl, "wrong-token-also-secret"))
            await wrongToken.Services.GetRequiredService<ISmsProvider>().SendAsync(To, Body, CancellationToken.None);

        var lines = _logs.Lines.ToList();
        Assert.NotEmpty(lines);   // the provider does log: the absence below is not for want of logging
        string[] secrets = [_twilio.AuthToken, "wrong-token-also-secret", To, "33612345678", "+33699999999", "0612345678", From, Body, "rendez-vous"];
        foreach (var secret in secrets)
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public void Without_configuration_the_sms_channel_is_disabled()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Sms:Twilio:AccountSid"] = "AC1" });
        builder.AddTwilioSms();
        using var host = builder.Build();

        var sms = Assert.Single(host.Services.GetServices<Jasmine.Bots.Channels.IChannelSender>(), s => s.Scheme == "tel");
        Assert.False(sms.IsEnabled);
    }

    [Theory]
    [InlineData("AC1", "t", "+33700000000", null, true)]
    [InlineData("AC1", "t", null, "MG1", true)]
    [InlineData("AC1", "t", null, null, false)]
    [InlineData("AC1", null, "+33700000000", null, false)]
    [InlineData(null, "t", "+33700000000", null, false)]
    public void Twilio_is_configured_with_a_sid_a_token_and_a_sender(string? sid, string? token, string? from, string? service, bool expected) =>
        Assert.Equal(expected, new TwilioOptions { AccountSid = sid, AuthToken = token, From = from, MessagingServiceSid = service }.IsConfigured);

    private IHost BuildHost(string apiBaseUrl, string authToken, string? messagingServiceSid = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sms:Twilio:AccountSid"] = _twilio.AccountSid,
            ["Sms:Twilio:AuthToken"] = authToken,
            ["Sms:Twilio:From"] = From,
            ["Sms:Twilio:MessagingServiceSid"] = messagingServiceSid,
            ["Sms:Twilio:ApiBaseUrl"] = apiBaseUrl,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs);
        builder.AddTwilioSms();
        return builder.Build();
    }
}
