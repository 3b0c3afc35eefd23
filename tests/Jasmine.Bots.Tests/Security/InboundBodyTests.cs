using System.Net;
using System.Net.Http.Json;
using System.Text;
using Jasmine.Bots.Channels.Sms;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;
using Jasmine.Bots.Tests.Telegram;

namespace Jasmine.Bots.Tests.Security;

/// <summary>Issue 12, findings 6 and 8: unsigned bodies parsed first, %00 failing a signed SMS forever, bad locations, reversed pseudonyms.</summary>
public sealed class InboundBodyTests : IAsyncLifetime
{
    private const string PublicUrl = "https://bots.jasmine.example/channels/sms/twilio";
    private FakeTwilioServer _twilio = null!;
    private JasmineFactory _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilioServer.StartAsync();
        _host = new JasmineFactory(new()
        {
            ["Sms:Twilio:AccountSid"] = _twilio.AccountSid,
            ["Sms:Twilio:AuthToken"] = _twilio.AuthToken,
            ["Sms:Twilio:From"] = "+33700000001",
            ["Sms:Twilio:ApiBaseUrl"] = _twilio.BaseUrl,
            ["Sms:Twilio:WebhookUrl"] = PublicUrl,
        });
        _http = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _twilio.DisposeAsync();
    }

    /// <summary>A body with no length, sent in chunks as it is produced (as a 40 MB chunked attack would be).</summary>
    private sealed class Chunked(int bytes, byte fill = (byte)'a', string? prefix = null) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var head = Encoding.ASCII.GetBytes(prefix ?? "");
            await stream.WriteAsync(head);
            var chunk = Enumerable.Repeat(fill, 64 * 1024).ToArray();
            for (var sent = head.Length; sent < bytes; sent += chunk.Length)
            {
                try { await stream.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, bytes - sent))); }
                catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { return; } // the server stopped reading
            }
        }

        protected override bool TryComputeLength(out long length) { length = 0; return false; }
    }

    private void AssertNoStackTraceLogged() =>
        Assert.DoesNotContain(_host.Logs.Lines, l => l.Contains("   at ", StringComparison.Ordinal) || l.Contains("BadHttpRequestException", StringComparison.Ordinal));

    private async Task<HttpResponseMessage> Twilio(HttpContent content, string? signature = "bm90IGEgc2lnbmF0dXJl")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/sms/twilio") { Content = content };
        if (signature is not null) request.Headers.Add(TwilioSignature.HeaderName, signature);
        return await _http.SendAsync(request);
    }

    [Fact]
    public async Task An_unsigned_twenty_five_megabyte_form_is_refused_before_it_is_parsed()
    {
        var content = new Chunked(25 * 1024 * 1024, prefix: "Body=");
        content.Headers.ContentType = new("application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.Forbidden, (await Twilio(content, signature: null)).StatusCode);
        AssertNoStackTraceLogged();
    }

    [Theory]
    [InlineData("value")]   // one 10 MB value
    [InlineData("keys")]    // 2,000 keys
    [InlineData("chunked")] // 40 MB with no Content-Length
    public async Task An_oversized_form_with_some_signature_gets_413_and_no_stack_trace(string shape)
    {
        HttpContent content = shape switch
        {
            "value" => new StringContent("MessageSid=SM1&Body=" + new string('x', 10 * 1024 * 1024), Encoding.ASCII, "application/x-www-form-urlencoded"),
            "keys" => new StringContent(string.Join('&', Enumerable.Range(0, 2000).Select(i => $"k{i}=v")), Encoding.ASCII, "application/x-www-form-urlencoded"),
            _ => new Chunked(40 * 1024 * 1024, prefix: "Body="),
        };
        content.Headers.ContentType = new("application/x-www-form-urlencoded");
        var response = await Twilio(content);
        Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge, $"{shape}: {(int)response.StatusCode}");
        AssertNoStackTraceLogged();
    }

    [Fact]
    public async Task A_signed_sms_holding_nul_and_control_characters_is_read_as_text_and_answered()
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", "SM" + Guid.NewGuid().ToString("N")), new("AccountSid", _twilio.AccountSid), new("From", "+33611112222"),
            new("To", "+33700000001"), new("Body", "hello\0\u0001\u001b there"), new("NumMedia", "0"),
        };
        var response = await Twilio(new FormUrlEncodedContent(form), TwilioSignature.Compute(_twilio.AuthToken, PublicUrl, form));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.True(() => _twilio.Messages.Any(m => m.To == "+33611112222"), "a reply to the SMS with control characters");
        Assert.DoesNotContain(_host.Logs.Lines, l => l.Contains("Turn failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_ten_megabyte_chunked_telegram_update_is_refused_even_with_the_right_secret()
    {
        await using var telegram = await TelegramTestHost.StartAsync();
        using var http = telegram.Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/telegram") { Content = new Chunked(10 * 1024 * 1024, (byte)' ', "{\"update_id\":1,\"message\":{\"text\":\"") };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", TelegramTestHost.Secret);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await http.SendAsync(request)).StatusCode);
        Assert.DoesNotContain(telegram.Host.Logs.Lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(91, 2.35)]
    [InlineData(48.85, -200)]
    public async Task A_shared_location_off_the_earth_gets_an_answer_on_telegram_and_keeps_the_step(double latitude, double longitude)
    {
        await using var telegram = await TelegramTestHost.StartAsync();
        const long chat = 777_001;
        var replies = await telegram.ExchangeAsync(chat, () => telegram.SendAsync(Updates.Location(telegram.NextUpdateId(), chat, latitude, longitude)));
        Assert.NotEmpty(replies);
        Assert.DoesNotContain(telegram.Host.Logs.Lines, l => l.Contains("failed", StringComparison.OrdinalIgnoreCase) && l.Contains("Turn", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("NaN", "2.35")]
    [InlineData("Infinity", "2.35")]
    [InlineData("91", "2.35")]
    public async Task A_try_it_location_that_is_not_a_place_gets_the_steps_answer_not_an_error(string latitude, string longitude)
    {
        var chat = _host.Chat("loc-" + latitude);
        await chat.Join(_host.NewInvite());
        await chat.Send("SERVICES");
        using var request = TryCookie.Request(_host.Services, HttpMethod.Post, "/try/messages", "loc-" + latitude,
            new StringContent($"{{\"text\":\"\",\"location\":{{\"latitude\":\"{latitude}\",\"longitude\":{longitude}}}}}", Encoding.UTF8, "application/json"));
        var response = await _http.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode}");
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var text = string.Join("\n", (await response.Content.ReadFromJsonAsync<Jasmine.Bots.Channels.Try.TryResponse>())!.Replies.Select(r => r.Text));
            Assert.DoesNotContain("Oops", text);
        }
        Assert.DoesNotContain(_host.Logs.Lines, l => l.Contains("Turn failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Direction_overrides_are_stripped_from_a_pseudonym_and_from_what_staff_read()
    {
        var chat = _host.Chat("rtl");
        await chat.Join(_host.NewInvite(), pseudonym: "\u202Eanilem\u202C");
        var members = _host.Get<Jasmine.Bots.Members.MemberService>();
        var pseudonym = members.Pseudonym(members.FindByAddress("try:rtl")!);
        Assert.Equal("anilem", pseudonym);
        Assert.DoesNotContain(pseudonym, c => Jasmine.Bots.Text.BidiControls.IsControl(c));
    }
}
