using System.Net;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Channels.Sms;
using Jasmine.Bots.Sms;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Sms;

/// <summary>The SMS channel end to end: Twilio's signed webhook in, Twilio's REST API (a loopback fake) out.</summary>
public sealed class TwilioEndToEndTests : IAsyncLifetime
{
    private const string PublicUrl = "https://bots.jasmine.example/channels/sms/twilio";
    private const string OurNumber = "+33700000001";
    private FakeTwilioServer _twilio = null!;
    private JasmineFactory _host = null!;
    private HttpClient _http = null!;
    private int _sid;

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilioServer.StartAsync();
        _host = new JasmineFactory(new()
        {
            ["Sms:Twilio:AccountSid"] = _twilio.AccountSid,
            ["Sms:Twilio:AuthToken"] = _twilio.AuthToken,
            ["Sms:Twilio:From"] = OurNumber,
            ["Sms:Twilio:ApiBaseUrl"] = _twilio.BaseUrl,
            ["Sms:Twilio:WebhookUrl"] = PublicUrl,
            ["Jasmine:FollowUp:Rota:0"] = "try:staff",
        });
        _http = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _twilio.DisposeAsync();
    }

    private async Task<HttpResponseMessage> Text(string from, string body, string? sid = null, bool sign = true, string? signatureUrl = null)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", sid ?? $"SM{Interlocked.Increment(ref _sid):D32}"),
            new("AccountSid", _twilio.AccountSid),
            new("From", from),
            new("To", OurNumber),
            new("Body", body),
            new("NumMedia", "0"),
            new("NumSegments", "1"),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/sms/twilio") { Content = new FormUrlEncodedContent(form) };
        if (sign) request.Headers.Add("X-Twilio-Signature", TwilioSignature.Compute(_twilio.AuthToken, signatureUrl ?? PublicUrl, form));
        return await _http.SendAsync(request);
    }

    private IReadOnlyList<string> To(string number) => _twilio.Messages.Where(m => m.To == number).Select(m => m.Body).ToList();

    private async Task<string> Next(string number, int count)
    {
        await Eventually.True(() => To(number).Count >= count, $"{count} SMS to the member");
        return To(number)[count - 1];
    }

    private async Task<int> Join(string number)
    {
        var n = To(number).Count;
        await Text(number, "JOIN " + _host.NewInvite());
        Assert.Contains("2. English", await Next(number, ++n));
        await Text(number, "2");
        Assert.Contains("OK?", await Next(number, ++n));
        await Text(number, "yes");
        await Next(number, ++n);
        await Text(number, "Mimi");
        await Next(number, ++n);
        await Text(number, "13001");
        Assert.Contains("welcome", await Next(number, ++n));
        return n;
    }

    [Fact]
    public async Task A_member_joins_and_screens_by_sms_with_numbered_choices_in_gsm7()
    {
        var n = await Join("+33611111111");
        var output = new StringWriter();
        await _host.Get<AdminCommands>().RunAsync(["classify", "0622222222", "very-dangerous"], output, CancellationToken.None);
        // The classification warns her too (all of France, her own channel): wait for it, or it races the reply.
        Assert.Contains("new message", await Next("+33611111111", ++n));
        await Text("+33611111111", "06 22 22 22 22 ?");
        // The classification also pushes a warning notice (a Hangfire job): it may arrive before or after the answer.
        await Eventually.True(() => To("+33611111111").Skip(n).Any(m => m.Contains("+33 6 22 22 22 22: VERY DANGEROUS", StringComparison.Ordinal)), "the screening answer");
        Assert.All(_twilio.Messages, m => Assert.True(SmsSegments.Count(m.Body) <= 3));
        Assert.All(_twilio.Messages, m => Assert.Equal(OurNumber, m.From));
    }

    [Fact]
    public async Task A_whole_report_can_be_filed_by_sms_with_numbers_only()
    {
        var number = "+33633333333";
        var n = await Join(number);
        foreach (var (send, expect) in new[]
        {
            ("MENU", "2. Report"), ("2", "number, e-mail"), ("0644444444", "Noted: +33 6 44 44 44 44"), ("1", "What happened"),
            ("2 5", "Chosen"), ("11", "When?"), ("1", "Where?"), ("Marseille", "your own words"), ("2", "contact you"),
            ("2", "Summary"), ("1", "Your report R-"),
        })
        {
            await Text(number, send);
            var reply = await Next(number, ++n);
            Assert.Contains(expect, reply);
        }
        Assert.Equal(1, _host.Get<JasmineStore>().Reports.Count());
    }

    [Fact]
    public async Task On_a_basic_phone_she_reads_the_team_message_with_1_and_answers_it_with_1()
    {
        var number = "+33615151515";
        var n = await Join(number);
        foreach (var send in new[] { "/report", "0646464646", "1", "2", "11", "1", "Lyon", "2", "1", "1", "4", "1" })
        {
            await Text(number, send);
            await Next(number, ++n);
        }
        // A rape reported today: what to do now for her health follows the thanks, in SMS of its own.
        await Eventually.True(() => To(number).Any(m => m.Contains("Violence against women", StringComparison.Ordinal)), "the urgent health advice");
        n = To(number).Count;
        var reference = To(number).Select(m => System.Text.RegularExpressions.Regex.Match(m, @"R-[A-Z0-9]{4,8}")).First(m => m.Success).Value;
        Assert.Contains(To(number), m => m.Contains("(PEP)", StringComparison.Ordinal));
        var staff = _host.Chat("staff");
        await staff.WaitForInbox();
        await staff.Send("ACK " + reference);
        var neutral = await Next(number, ++n);
        Assert.StartsWith("Jasmine: you have a new message.", neutral);
        Assert.Contains("1. Show", neutral);
        await staff.Send(reference + " Can we call you at 6pm?");
        Assert.StartsWith("Jasmine: you have a new message.", await Next(number, ++n));
        await Text(number, "1");
        var shown = await Next(number, ++n);
        Assert.Contains("Can we call you at 6pm?", shown);
        Assert.Contains("1. Reply", shown);
        await Text(number, "1");
        Assert.Contains("Write your message", await Next(number, ++n));
        await Text(number, "yes after 6");
        Assert.Contains("Sent to the team", await Next(number, ++n));
        var got = await staff.WaitForInbox();
        Assert.Contains("yes after 6", got[0].Text);
        Assert.DoesNotContain(number, got[0].Text);
    }

    [Fact]
    public async Task A_member_links_her_sms_number_with_a_code_sent_there_and_is_then_known_by_sms()
    {
        var chat = _host.Chat("linker");
        await chat.Join(_host.NewInvite(), pseudonym: "Nina");
        await chat.Send("/settings");
        await chat.Tap("Add another number");
        await chat.Tap("A number for SMS");
        await chat.Send("06 17 17 17 17");
        chat.Expect("sent a code");
        var message = await Next("+33617171717", 1);
        Assert.StartsWith("Jasmine: your code is ", message);
        var code = message[^6..];
        await chat.Send("000000" == code ? "111111" : "000000");
        chat.Expect("not the right code");
        await chat.Send(code);
        chat.Expect("linked to your account");

        await Text("+33617171717", "0699999990");
        Assert.Contains("not signaled", await Next("+33617171717", 2));
        Assert.Equal(1, _host.Get<JasmineStore>().Members.Count());
        Assert.Equal(2, _host.Get<JasmineStore>().Addresses.Count());
    }

    [Fact]
    public async Task A_forged_signature_is_refused_with_403_and_nothing_is_processed()
    {
        var wrongUrl = await Text("+33655555555", "JOIN " + _host.NewInvite(), signatureUrl: "https://evil.example/channels/sms/twilio");
        Assert.Equal(HttpStatusCode.Forbidden, wrongUrl.StatusCode);
        var unsigned = await Text("+33655555555", "hello", sign: false);
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        await Task.Delay(300);
        Assert.Empty(_twilio.Messages);
        Assert.Equal(0, _host.Get<JasmineStore>().Conversations.Count());
    }

    [Fact]
    public async Task A_replayed_message_sid_is_processed_once()
    {
        var code = _host.NewInvite();
        var first = await Text("+33666666666", "JOIN " + code, sid: "SM0123456789abcdef0123456789abcdef");
        var replay = await Text("+33666666666", "JOIN " + code, sid: "SM0123456789abcdef0123456789abcdef");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        await Next("+33666666666", 1);
        await Task.Delay(300);
        Assert.Single(To("+33666666666"));
    }

    [Fact]
    public async Task Twilio_429_then_success_delivers_the_reply_once()
    {
        _twilio.FailNext(1, FakeTwilioServer.TooManyRequests(1));
        await Text("+33677777777", "hello");
        var reply = await Next("+33677777777", 1);
        Assert.Contains("JOIN", reply);
        await Task.Delay(300);
        Assert.Single(To("+33677777777"));
    }

    [Fact]
    public async Task A_storm_of_5xx_loses_nothing_and_sends_nothing_twice()
    {
        _twilio.FailNext(3, FakeTwilioServer.ServerError());
        await Text("+33688888888", "hello");
        await Text("+33699999999", "hello");
        await Next("+33688888888", 1);
        await Next("+33699999999", 1);
        await Task.Delay(300);
        Assert.Single(To("+33688888888"));
        Assert.Single(To("+33699999999"));
    }

    [Fact]
    public async Task Stop_marks_her_unreachable_by_sms_and_a_21610_is_never_retried()
    {
        var number = "+33612121212";
        var n = await Join(number);
        var stop = await Text(number, "STOP");
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.Contains("<Response></Response>", await stop.Content.ReadAsStringAsync());
        Assert.True(_host.Get<Jasmine.Bots.Members.MemberService>().Address("tel:" + number)!.Unreachable);

        _twilio.FailFor("+33613131313", FakeTwilioServer.Unsubscribed());
        var before = _twilio.RequestCount;
        await Text("+33613131313", "hello");
        await Eventually.True(() => _twilio.RequestCount > before, "the send attempt");
        await Task.Delay(1500);
        Assert.Equal(before + 1, _twilio.RequestCount);
        Assert.Equal(n, To(number).Count);
    }

    [Fact]
    public async Task No_token_number_or_text_reaches_the_logs()
    {
        await Join("+33614141414");
        await Text("+33614141414", "0645454545");
        await Next("+33614141414", 6);
        var logs = _host.Logs.All;
        foreach (var secret in new[] { _twilio.AuthToken, "+33614141414", "0645454545", "33645454545", "Mimi", OurNumber })
            Assert.DoesNotContain(secret, logs);
    }
}
