using System.Net;
using Jasmine.Bots.Channels.Signal;
using Jasmine.Bots.Tests.Fakes;

namespace Jasmine.Bots.Tests.Signal;

/// <summary>signal-cli's texts, as the API returns them in <c>error</c> (400 in normal mode), sorted by meaning.</summary>
public sealed class SignalErrorsTests
{
    [Theory]
    [InlineData("Rate limit exceeded: 413", SignalErrorKind.RateLimited)]
    [InlineData("{\"timestamp\":1,\"results\":[{\"recipientAddress\":{\"uuid\":\"a\",\"number\":null},\"type\":\"RATE_LIMIT_FAILURE\"}]}\nFailed to send message due to rate limiting\n", SignalErrorKind.RateLimited)]
    [InlineData("Rate limit failure for \"+33612345678\", retry after 30 seconds", SignalErrorKind.RateLimited)]
    [InlineData("CAPTCHA proof required for sending to \"+33612345678\", available options \"RECAPTCHA\" with challenge token \"x\", or wait \"60\" seconds.\n", SignalErrorKind.Captcha)]
    [InlineData("Network failure for \"+33612345678\"", SignalErrorKind.Network)]
    [InlineData("{\"results\":[{\"type\":\"NETWORK_FAILURE\"}]}\nFailed to send message\n", SignalErrorKind.Network)]
    [InlineData("process killed as timeout reached", SignalErrorKind.Killed)]
    [InlineData("Untrusted Identity for \"+33612345678\"", SignalErrorKind.UntrustedIdentity)]
    [InlineData("{\"results\":[{\"type\":\"IDENTITY_FAILURE\"}]}\nFailed to send message due to untrusted identities\n", SignalErrorKind.UntrustedIdentity)]
    [InlineData("Unregistered user \"+33612345678\"", SignalErrorKind.Unregistered)]
    [InlineData("{\"results\":[{\"type\":\"UNREGISTERED_FAILURE\"}]}\nFailed to send message\n", SignalErrorKind.Unregistered)]
    [InlineData("User +33100000001 is not registered.", SignalErrorKind.AccountNotRegistered)]
    [InlineData("Couldn't process request - please provide at least one recipient", SignalErrorKind.BadRequest)]
    [InlineData("Couldn't process request - timeout needs to be numeric!", SignalErrorKind.BadRequest)]
    [InlineData("something nobody has seen before", SignalErrorKind.Unknown)]
    [InlineData("", SignalErrorKind.Unknown)]
    public void A_400_is_sorted_by_what_signal_cli_says(string text, SignalErrorKind expected) =>
        Assert.Equal(expected, SignalErrors.Classify(HttpStatusCode.BadRequest, text));

    [Theory]
    [InlineData(SignalErrorKind.RateLimited, true)]
    [InlineData(SignalErrorKind.Captcha, true)]
    [InlineData(SignalErrorKind.Network, true)]
    [InlineData(SignalErrorKind.Killed, true)]
    [InlineData(SignalErrorKind.UntrustedIdentity, true)]
    [InlineData(SignalErrorKind.Unknown, true)]
    [InlineData(SignalErrorKind.Unregistered, false)]
    [InlineData(SignalErrorKind.BadRequest, false)]
    public void Passing_failures_are_retried_and_permanent_ones_are_not(SignalErrorKind kind, bool retried) =>
        Assert.Equal(retried, SignalErrors.IsRetryable(kind));

    [Fact]
    public void A_json_rpc_429_is_a_rate_limit_and_with_challenge_tokens_a_captcha()
    {
        Assert.Equal(SignalErrorKind.RateLimited, SignalErrors.Classify(HttpStatusCode.TooManyRequests, "Failed to send message due to rate limiting"));
        Assert.Equal(SignalErrorKind.Captcha, SignalErrors.Classify(HttpStatusCode.TooManyRequests, "Failed to send message due to rate limiting", hasChallengeTokens: true));
    }

    [Theory]
    [InlineData("Rate limit failure for \"+33612345678\", retry after 30 seconds", 30)]
    [InlineData("CAPTCHA proof required for sending to \"x\", available options \"RECAPTCHA\" with challenge token \"t\", or wait \"86400\" seconds.", 3600)]
    [InlineData("Rate limit exceeded: 413", null)]
    public void The_wait_signal_asked_for_is_read_from_the_text_and_capped(string text, int? seconds) =>
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, SignalErrors.RetryAfter(text));
}

/// <summary>The send answer in both shapes, and what a normal-mode 400 means for the sender.</summary>
public sealed class SignalSendAnswerTests : IAsyncLifetime
{
    private const string Her = "+33612345679";
    private FakeSignalServer _fake = null!;
    private HttpClient _http = null!;
    private SignalApiClient _client = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeSignalServer.StartAsync();
        _http = new HttpClient();
        _client = new SignalApiClient(_http,
            Microsoft.Extensions.Options.Options.Create(new SignalOptions { ApiBaseUrl = _fake.BaseUrl.ToString(), Number = _fake.Account, ReceiveTimeoutSeconds = 1 }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SignalApiClient>.Instance);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task The_array_answer_of_versions_after_0_100_still_gives_the_timestamp()
    {
        _fake.SendAnswerShape = FakeSignalServer.SendAnswer.Array;

        var result = await _client.SendAsync(Her, "hi", CancellationToken.None);

        Assert.Equal(SignalSendStatus.Sent, result.Status);
        Assert.Equal(Assert.Single(_fake.Sent).Timestamp, result.Timestamp);
    }

    [Fact]
    public async Task A_400_rate_limit_in_normal_mode_means_retry_later_not_failed()
    {
        _fake.FailNextSendsWith(1, _fake.SendFailureOutput(Her, "RATE_LIMIT_FAILURE"));

        var result = await _client.SendAsync(Her, "hi", CancellationToken.None);

        Assert.Equal(new SignalSendResult(SignalSendStatus.RetryLater, null, null, SignalErrorKind.RateLimited), result);
    }

    [Fact]
    public async Task A_400_after_the_api_killed_signal_cli_means_retry_later()
    {
        _fake.FailNextSendsWith(1, FakeSignalServer.Texts.Killed);

        Assert.Equal(SignalErrorKind.Killed, (await _client.SendAsync(Her, "hi", CancellationToken.None)).Error);
    }

    [Fact]
    public async Task Receive_asks_for_at_most_max_messages_and_the_fake_honours_it()
    {
        var client = new SignalApiClient(_http,
            Microsoft.Extensions.Options.Options.Create(new SignalOptions { ApiBaseUrl = _fake.BaseUrl.ToString(), Number = _fake.Account, ReceiveTimeoutSeconds = 1, MaxMessages = 2 }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SignalApiClient>.Instance);
        for (var i = 0; i < 5; i++) _fake.EnqueueText(Her, "m" + i);

        var first = await client.ReceiveAsync(CancellationToken.None);

        Assert.Equal(["m0", "m1"], first.Select(m => m.Text));
        Assert.Equal(2, _fake.ReceiveMaxMessages.Last());
        Assert.Equal(3, _fake.PendingEnvelopes);
    }

    [Fact]
    public async Task A_receive_that_signal_cli_was_killed_during_says_so_by_kind()
    {
        _fake.FailNextReceives(1, 400, FakeSignalServer.Texts.Killed);

        var error = await Assert.ThrowsAsync<SignalApiException>(() => _client.ReceiveAsync(CancellationToken.None));

        Assert.Equal(SignalErrorKind.Killed, error.Kind);
        Assert.DoesNotContain(FakeSignalServer.Texts.Killed, error.Message);
    }
}
