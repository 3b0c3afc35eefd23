using System.Net;
using Jasmine.Bots.Channels.Signal;
using Jasmine.Bots.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Tests.Signal;

public sealed class SignalApiClientTests : IAsyncLifetime
{
    private const string Her = "+33612345678";
    private FakeSignalServer _fake = null!;
    private HttpClient _http = null!;
    private SignalApiClient _client = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeSignalServer.StartAsync();
        _http = new HttpClient();
        _client = new SignalApiClient(_http,
            Options.Create(new SignalOptions { ApiBaseUrl = _fake.BaseUrl.ToString(), Number = _fake.Account, ReceiveTimeoutSeconds = 1 }),
            NullLogger<SignalApiClient>.Instance);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task Sending_posts_a_normal_text_from_our_account_and_returns_its_timestamp()
    {
        var result = await _client.SendAsync(Her, "Bonjour, ça va ?", CancellationToken.None);

        Assert.Equal(SignalSendStatus.Sent, result.Status);
        var sent = Assert.Single(_fake.Sent);
        Assert.Equal(new FakeSignalServer.SentMessage(_fake.Account, [Her], "Bonjour, ça va ?", "normal", result.Timestamp!.Value),
            sent with { Recipients = [.. sent.Recipients] }, new SentMessageComparer());
    }

    [Fact]
    public async Task Each_send_gets_its_own_increasing_timestamp()
    {
        var first = await _client.SendAsync(Her, "1", CancellationToken.None);
        var second = await _client.SendAsync(Her, "2", CancellationToken.None);

        Assert.True(second.Timestamp > first.Timestamp);
    }

    [Fact]
    public async Task A_json_rpc_429_with_challenge_tokens_means_retry_later_after_a_captcha()
    {
        _fake.FailNextSends(1, 429);

        var result = await _client.SendAsync(Her, "hi", CancellationToken.None);

        Assert.Equal(new SignalSendResult(SignalSendStatus.RetryLater, null, null, SignalErrorKind.Captcha), result);
        Assert.Empty(_fake.Sent);
    }

    [Fact]
    public async Task A_500_means_retry_later_and_the_next_send_goes_through()
    {
        _fake.FailNextSends(1, 500);

        Assert.Equal(SignalSendStatus.RetryLater, (await _client.SendAsync(Her, "hi", CancellationToken.None)).Status);
        Assert.Equal(SignalSendStatus.Sent, (await _client.SendAsync(Her, "hi", CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_400_for_an_unregistered_recipient_means_failed()
    {
        _fake.MarkUnregistered(Her);

        var result = await _client.SendAsync(Her, "hi", CancellationToken.None);

        Assert.Equal(SignalSendStatus.Failed, result.Status);
        Assert.Null(result.RetryAfter);
    }

    [Fact]
    public async Task An_unreachable_api_means_retry_later()
    {
        await _fake.StopAsync();

        var result = await _client.SendAsync(Her, "hi", CancellationToken.None);

        Assert.Equal(SignalSendStatus.RetryLater, result.Status);
    }

    [Fact]
    public async Task Receiving_returns_queued_texts_once_and_escapes_the_plus_of_our_number()
    {
        _fake.EnqueueText(Her, "un");
        _fake.EnqueueTyping(Her);
        _fake.EnqueueText(Her, "deux");

        var first = await _client.ReceiveAsync(CancellationToken.None);
        var second = await _client.ReceiveAsync(CancellationToken.None);

        Assert.Equal(["un", "deux"], first.Select(m => m.Text));
        Assert.Empty(second);
        var target = _fake.RawTargets.First(t => t.StartsWith("/v1/receive/", StringComparison.Ordinal));
        Assert.StartsWith("/v1/receive/%2B33100000001?timeout=1&", target);
        Assert.Contains("ignore_attachments=true", target);
    }

    [Fact]
    public async Task A_receive_that_arrives_while_waiting_is_returned_by_the_same_call()
    {
        var receive = _client.ReceiveAsync(CancellationToken.None);
        await Task.Delay(100);
        _fake.EnqueueText(Her, "late");

        Assert.Equal("late", Assert.Single(await receive).Text);
    }

    [Fact]
    public async Task A_failing_receive_throws_with_the_status_code()
    {
        _fake.FailNextReceives(1, 500);

        var error = await Assert.ThrowsAsync<SignalApiException>(() => _client.ReceiveAsync(CancellationToken.None));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
    }

    [Fact]
    public async Task Remote_delete_names_the_recipient_and_the_message_timestamp()
    {
        var sent = await _client.SendAsync(Her, "to be deleted", CancellationToken.None);

        Assert.True((await _client.RemoteDeleteAsync(Her, sent.Timestamp!.Value, CancellationToken.None)).Succeeded);

        Assert.Equal(new FakeSignalServer.RemoteDeletion(_fake.Account, Her, sent.Timestamp.Value), Assert.Single(_fake.RemoteDeletions));
        Assert.Contains(_fake.RawTargets, t => t == "/v1/remote-delete/%2B33100000001");
    }

    [Fact]
    public async Task Setting_disappearing_messages_updates_the_contact_without_storing_a_name()
    {
        Assert.True((await _client.SetDisappearingAsync(Her, 86400, CancellationToken.None)).Succeeded);

        Assert.Equal(new FakeSignalServer.ContactUpdate(_fake.Account, Her, null, 86400), Assert.Single(_fake.ContactUpdates));
    }

    [Fact]
    public async Task Commands_report_false_when_the_api_is_down()
    {
        await _fake.StopAsync();

        Assert.False((await _client.RemoteDeleteAsync(Her, 1, CancellationToken.None)).Succeeded);
        Assert.False((await _client.SetDisappearingAsync(Her, 0, CancellationToken.None)).Succeeded);
        Assert.Null(await _client.AboutAsync(CancellationToken.None));
    }

    [Fact]
    public async Task About_reports_version_and_mode()
    {
        Assert.Equal("0.100 (normal)", await _client.AboutAsync(CancellationToken.None));
        Assert.Equal(new SignalAbout("0.100", "normal", 2), await _client.GetAboutAsync(CancellationToken.None));
    }

    private sealed class SentMessageComparer : IEqualityComparer<FakeSignalServer.SentMessage>
    {
        public bool Equals(FakeSignalServer.SentMessage? x, FakeSignalServer.SentMessage? y) =>
            x is not null && y is not null && x.Number == y.Number && x.Recipients.SequenceEqual(y.Recipients)
            && x.Message == y.Message && x.TextMode == y.TextMode && x.Timestamp == y.Timestamp;

        public int GetHashCode(FakeSignalServer.SentMessage obj) => obj.Timestamp.GetHashCode();
    }
}
