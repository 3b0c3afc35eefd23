using System.Text;
using Jasmine.Bots.Channels;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Channels.Sms;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Tests.Sms;

/// <summary>The Android gateway provider, its signature and its settings, against the loopback fake of its API.</summary>
public sealed class AndroidGatewayProviderTests : IAsyncLifetime
{
    private FakeAndroidGatewayServer _gateway = null!;
    private readonly LogCapture _logs = new();

    public async Task InitializeAsync() => _gateway = await FakeAndroidGatewayServer.StartAsync();
    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private IHost BuildHost(Dictionary<string, string?>? overrides = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var settings = new Dictionary<string, string?>
        {
            ["Sms:Provider"] = "android-gateway",
            ["Sms:AndroidGateway:ApiBaseUrl"] = _gateway.BaseUrl,
            ["Sms:AndroidGateway:Username"] = FakeAndroidGatewayServer.Username,
            ["Sms:AndroidGateway:Password"] = _gateway.Password,
            ["Sms:AndroidGateway:SigningKey"] = _gateway.SigningKey,
        };
        foreach (var (k, v) in overrides ?? []) settings[k] = v;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs);
        builder.AddTwilioSms();
        return builder.Build();
    }

    [Fact]
    public void The_signature_is_lowercase_hex_hmac_sha256_of_the_raw_body_then_the_timestamp()
    {
        // Expected value computed independently (Python: hmac.new(key, body + ts, hashlib.sha256).hexdigest()).
        var body = Encoding.UTF8.GetBytes("""{"id":"Ey6ECgOkVVFjz3CL48B8C","event":"sms:received"}""");
        Assert.Equal("2691034368130c28460ef6161953941f256f7cc77960a5a5c02c6127383e1b3c",
            AndroidGatewaySignature.Compute("my-signing-key-0123456789", body, "1700000000"));
    }

    [Theory]
    [InlineData(0, null, AndroidGatewaySignature.Verdict.Valid)]
    [InlineData(299, null, AndroidGatewaySignature.Verdict.Valid)]
    [InlineData(-299, null, AndroidGatewaySignature.Verdict.Valid)]
    [InlineData(301, null, AndroidGatewaySignature.Verdict.Stale)]
    [InlineData(-301, null, AndroidGatewaySignature.Verdict.Stale)]
    [InlineData(0, "other-key-0123456789abcdef", AndroidGatewaySignature.Verdict.Forged)]
    public void A_signature_is_valid_only_with_the_key_and_within_five_minutes(int skewSeconds, string? otherKey, AndroidGatewaySignature.Verdict expected)
    {
        const string key = "the-signing-key-0123456789";
        var body = Encoding.UTF8.GetBytes("""{"event":"sms:received"}""");
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var stamp = (now.ToUnixTimeSeconds() + skewSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = AndroidGatewaySignature.Compute(otherKey ?? key, body, stamp);
        Assert.Equal(expected, AndroidGatewaySignature.Check(key, body, stamp, signature, now, TimeSpan.FromMinutes(5)));
        // Upper-case hex is the same signature.
        if (expected == AndroidGatewaySignature.Verdict.Valid)
            Assert.Equal(expected, AndroidGatewaySignature.Check(key, body, stamp, signature.ToUpperInvariant(), now, TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData(null, "abc", AndroidGatewaySignature.Verdict.Missing)]
    [InlineData("1800000000", null, AndroidGatewaySignature.Verdict.Missing)]
    [InlineData("18e8", "x", AndroidGatewaySignature.Verdict.Malformed)]
    [InlineData("-5", "x", AndroidGatewaySignature.Verdict.Malformed)]
    [InlineData("1800000000", "tooshort", AndroidGatewaySignature.Verdict.Malformed)]
    public void Missing_or_malformed_headers_are_refused_without_hashing(string? stamp, string? signature, AndroidGatewaySignature.Verdict expected) =>
        Assert.Equal(expected, AndroidGatewaySignature.Check("k", [], stamp, signature, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), TimeSpan.FromMinutes(5)));

    [Fact]
    public async Task A_send_posts_our_id_the_text_and_the_number_with_basic_auth_and_a_repeat_of_the_id_is_not_sent_twice()
    {
        using var host = BuildHost(new() { ["Sms:AndroidGateway:SimNumber"] = "2", ["Sms:AndroidGateway:TtlSeconds"] = "86400" });
        var provider = host.Services.GetRequiredService<ISmsProvider>();
        Assert.Equal("android-gateway", provider.Name);
        Assert.True(provider.ReportsDelivery);

        var first = await provider.SendAsync("+33612345678", "Bonjour, où êtes-vous ?", "jb7r0p0", CancellationToken.None);
        var again = await provider.SendAsync("+33612345678", "Bonjour, où êtes-vous ?", "jb7r0p0", CancellationToken.None);

        Assert.Equal((SmsSendStatus.Sent, "jb7r0p0"), (first.Status, first.ProviderId));
        Assert.Equal(SmsSendStatus.Sent, again.Status);
        var sent = Assert.Single(_gateway.Sent);
        Assert.Equal(("jb7r0p0", "+33612345678", "Bonjour, où êtes-vous ?", 2, 86400), (sent.Id, sent.To, sent.Text, sent.SimNumber, sent.Ttl));
        Assert.True(sent.WithDeliveryReport);
    }

    [Fact]
    public async Task Gateway_answers_map_to_what_the_outbox_should_do_and_nothing_personal_is_logged()
    {
        using var host = BuildHost();
        var provider = host.Services.GetRequiredService<ISmsProvider>();
        _gateway.FailNext(1, 503);
        Assert.Equal(SmsSendStatus.RetryLater, (await provider.SendAsync("+33611111111", "a", "jb1r0p0", CancellationToken.None)).Status);
        _gateway.FailNext(1, 500);
        Assert.Equal(SmsSendStatus.RetryLater, (await provider.SendAsync("+33611111111", "a", "jb1r0p0", CancellationToken.None)).Status);
        _gateway.RefuseFor("+33622222222", 400);
        Assert.Equal(SmsSendStatus.BadNumber, (await provider.SendAsync("+33622222222", "a", "jb2r0p0", CancellationToken.None)).Status);
        _gateway.FailNext(1, 403);
        Assert.Equal(SmsSendStatus.Failed, (await provider.SendAsync("+33611111111", "a", "jb3r0p0", CancellationToken.None)).Status);

        using var wrong = BuildHost(new() { ["Sms:AndroidGateway:Password"] = "wrong-password-also-secret" });
        Assert.Equal(SmsSendStatus.Failed, (await wrong.Services.GetRequiredService<ISmsProvider>().SendAsync("+33611111111", "rendez-vous", "jb4r0p0", CancellationToken.None)).Status);

        using var down = BuildHost(new() { ["Sms:AndroidGateway:ApiBaseUrl"] = "http://127.0.0.1:1" });
        Assert.Equal(SmsSendStatus.RetryLater, (await down.Services.GetRequiredService<ISmsProvider>().SendAsync("+33611111111", "rendez-vous", "jb5r0p0", CancellationToken.None)).Status);

        foreach (var secret in new[] { _gateway.Password, "wrong-password-also-secret", _gateway.SigningKey, "+33611111111", "33622222222", "rendez-vous" })
            Assert.DoesNotContain(_logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_jwt_the_password_only_buys_an_hours_token_which_is_reused_and_replaced_when_the_gateway_refuses_it()
    {
        _gateway.RequireJwt = true;
        using var host = BuildHost(new() { ["Sms:AndroidGateway:Auth"] = "jwt" });
        var provider = host.Services.GetRequiredService<ISmsProvider>();

        Assert.Equal(SmsSendStatus.Sent, (await provider.SendAsync("+33612345678", "un", "jb11r0p0", CancellationToken.None)).Status);
        Assert.Equal(SmsSendStatus.Sent, (await provider.SendAsync("+33612345678", "deux", "jb12r0p0", CancellationToken.None)).Status);
        Assert.Equal(1, _gateway.TokensIssued);
        // The webhooks are registered with the same token (its scopes cover them).
        var gateway = host.Services.GetRequiredService<AndroidGatewaySmsProvider>();
        Assert.Equal(4, (await gateway.RegisterWebhooksAsync(new Uri("https://bots.example.org" + AndroidGatewayWebhook.Path), CancellationToken.None)).Count);
        Assert.Equal(1, _gateway.TokensIssued);

        // Revoked on the gateway: the refused send gets a new token and goes through, once.
        _gateway.RevokeTokens();
        Assert.Equal(SmsSendStatus.Sent, (await provider.SendAsync("+33612345678", "trois", "jb13r0p0", CancellationToken.None)).Status);
        Assert.Equal(2, _gateway.TokensIssued);
        Assert.Equal(["un", "deux", "trois"], _gateway.Sent.Select(m => m.Text));

        // A wrong password gets no token: the message waits (it is not dropped) and the log says what to check.
        using var wrong = BuildHost(new() { ["Sms:AndroidGateway:Auth"] = "jwt", ["Sms:AndroidGateway:Password"] = "wrong-password-also-secret" });
        Assert.Equal(SmsSendStatus.RetryLater, (await wrong.Services.GetRequiredService<ISmsProvider>().SendAsync("+33611111111", "quatre", "jb14r0p0", CancellationToken.None)).Status);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("check Sms:AndroidGateway:Username and Password", StringComparison.Ordinal));
        Assert.Equal(3, _gateway.Sent.Count);
        foreach (var secret in new[] { _gateway.Password, "wrong-password-also-secret", "eyJ." })
            Assert.DoesNotContain(_logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_host_registers_its_webhook_once_per_event()
    {
        using var host = BuildHost();
        var gateway = host.Services.GetRequiredService<AndroidGatewaySmsProvider>();
        var url = new Uri("https://bots.example.org" + AndroidGatewayWebhook.Path);
        Assert.Equal(["sms:received", "sms:sent", "sms:delivered", "sms:failed"], await gateway.RegisterWebhooksAsync(url, CancellationToken.None));
        Assert.Empty(await gateway.RegisterWebhooksAsync(url, CancellationToken.None));
        Assert.Equal(4, _gateway.RegisteredWebhooks.Count);
        Assert.All(_gateway.RegisteredWebhooks, w => Assert.Equal(url.AbsoluteUri, w.Url));
    }

    [Theory]
    [InlineData("Sms:AndroidGateway:SigningKey", "short", "SigningKey must be at least 16")]
    [InlineData("Sms:AndroidGateway:SigningKey", "", "SigningKey is required")]
    [InlineData("Sms:AndroidGateway:ApiBaseUrl", "192.168.1.20:8080", "ApiBaseUrl must be an absolute http(s) URL")]
    [InlineData("Sms:AndroidGateway:PerDay", "0", "PerDay must be at least 1")]
    [InlineData("Sms:AndroidGateway:ReservedForReplies", "600", "ReservedForReplies must be at least 0 and less than PerDay")]
    [InlineData("Sms:Provider", "android", "Sms:Provider must be 'twilio' or 'android-gateway'")]
    [InlineData("Sms:AndroidGateway:Auth", "oauth", "Auth must be 'basic' or 'jwt'")]
    public async Task Bad_settings_stop_the_start_with_a_clear_message_that_quotes_no_secret(string key, string value, string expected)
    {
        using var host = BuildHost(new() { [key] = value, ["Sms:AndroidGateway:Password"] = "pw-that-must-not-appear" });
        // One OptionsValidationException, or several in an AggregateException when two settings depend on the bad one.
        var e = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        Assert.True(e is OptionsValidationException or AggregateException { InnerExceptions: [OptionsValidationException, ..] }, e.GetType().Name);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("pw-that-must-not-appear", e.Message);
        Assert.DoesNotContain(_gateway.SigningKey, e.Message);
    }

    [Fact]
    public void The_defaults_fit_a_french_sim_and_twilio_keeps_its_own()
    {
        var android = new AndroidGatewayOptions();
        Assert.Equal((0.5, 500), (android.PerSecond, android.PerDay));
        using var host = BuildHost(new() { ["Sms:Provider"] = "twilio", ["Sms:Twilio:AccountSid"] = "AC1", ["Sms:Twilio:AuthToken"] = "t", ["Sms:Twilio:From"] = "+33700000000" });
        var sender = Assert.IsAssignableFrom<IBudgetedSender>(Assert.Single(host.Services.GetServices<IChannelSender>(), s => s.Scheme == "tel"));
        Assert.True(sender.IsEnabled);
        Assert.False(sender.ReportsDelivery);
        Assert.Equal(0, sender.Budget.PerDay);
    }

    [Fact]
    public void Delivery_references_name_the_outbox_entry_resend_and_part_and_nothing_else_parses()
    {
        Assert.True(OutboxStore.TryParseDeliveryRef("jb12345r2p1", out var id, out var resend, out var part));
        Assert.Equal((12345L, 2, 1), (id, resend, part));
        foreach (var bad in new[] { "abc", "jb", "jbr0p0", "jb1r0", "jb1rp0", "jb1r0p", "jbxr0p0", "jb1r0p0" + new string('9', 40), "ab1r0p0" })
            Assert.False(OutboxStore.TryParseDeliveryRef(bad, out _, out _, out _), bad);
    }

    [Fact]
    public void Warnings_on_sms_are_ordered_gravest_first_then_her_own_departement_then_by_departement()
    {
        var rape = Domain.ReportCategories.All.ToList().IndexOf(Domain.ReportCategories.Rape);
        var theft = Domain.ReportCategories.All.ToList().IndexOf(Domain.ReportCategories.Theft);
        int[] ordered =
        [
            OutboxStore.ProactivePriority(rape, true, "75"),
            OutboxStore.ProactivePriority(rape, false, "13"),
            OutboxStore.ProactivePriority(rape, false, "75"),
            OutboxStore.ProactivePriority(rape, false, "2A"),
            OutboxStore.ProactivePriority(rape, false, "974"),
            OutboxStore.ProactivePriority(rape, false, null),
            OutboxStore.ProactivePriority(theft, true, "13"),
            OutboxStore.ProactivePriority(Domain.ReportCategories.All.Count, true, "13"),
        ];
        Assert.Equal(ordered.Order(), ordered);
        Assert.Equal(ordered.Length, ordered.Distinct().Count());
    }
}
