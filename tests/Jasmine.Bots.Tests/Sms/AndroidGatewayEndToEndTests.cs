using System.Net;
using System.Text;
using Jasmine.Bots.Channels;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Channels.Sms;
using Jasmine.Bots.Sms;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;
using LiteDB;

namespace Jasmine.Bots.Tests.Sms;

/// <summary>
/// The SMS channel over SMS Gateway for Android, end to end: the phone's signed webhooks in (through the real
/// endpoint), the gateway's REST API (a loopback fake built from its OpenAPI) out, and its delivery reports back.
/// </summary>
public sealed class AndroidGatewayEndToEndTests : IAsyncLifetime
{
    private AndroidGatewayTestHost _t = null!;
    private FakeAndroidGatewayServer Gateway => _t.Gateway;

    public async Task InitializeAsync() => _t = await AndroidGatewayTestHost.StartAsync();
    public async Task DisposeAsync() => await _t.DisposeAsync();

    private IReadOnlyList<string> To(string e164) => Gateway.Sent.Where(m => m.To == e164).Select(m => m.Text).ToList();

    private async Task<string> Next(string e164, int count)
    {
        await Eventually.True(() => To(e164).Count >= count, $"{count} SMS to the member");
        return To(e164)[count - 1];
    }

    private async Task Text(string from, string text)
    {
        var answers = await Gateway.ReceiveAsync(from, text);
        Assert.Equal([HttpStatusCode.OK], answers);
    }

    /// <summary>Joins as the phone reports her: international digits without the '+'.</summary>
    private async Task<int> Join(string e164)
    {
        var from = e164.TrimStart('+');
        var n = To(e164).Count;
        await Text(from, "JOIN " + _t.NewInvite());
        Assert.Contains("2. English", await Next(e164, ++n));
        await Text(from, "2");
        Assert.Contains("OK?", await Next(e164, ++n));
        await Text(from, "yes");
        await Next(e164, ++n);
        await Text(from, "Mimi");
        await Next(e164, ++n);
        await Text(from, "13001");
        Assert.Contains("welcome", await Next(e164, ++n));
        return n;
    }

    private List<OutboxDoc> OutboxEntries() => _t.Get<JasmineStore>().Collection<OutboxDoc>("outbox").FindAll().ToList();

    [Fact]
    public async Task Join_screen_report_warning_and_wipe_run_end_to_end_over_the_gateway_with_signed_webhooks()
    {
        const string her = "+33611111111";
        var n = await Join(her);

        await Text("33611111111", "06 22 22 22 22");
        Assert.Contains("not signaled", await Next(her, ++n));

        foreach (var (send, expect) in new[]
        {
            ("MENU", "2. Report"), ("2", "number, e-mail"), ("0644444444", "Noted: +33 6 44 44 44 44"), ("1", "What happened"),
            ("2 5", "Chosen"), ("11", "When?"), ("1", "Where?"), ("Marseille", "your own words"), ("2", "contact you"),
            ("2", "Summary"), ("1", "Your report R-"),
        })
        {
            await Text("33611111111", send);
            Assert.Contains(expect, await Next(her, ++n));
        }
        Assert.Equal(1, _t.Get<JasmineStore>().Reports.Count());
        // A rape reported today: what to do now for her health follows the thanks, in SMS of its own.
        await Eventually.True(() => To(her).Any(m => m.Contains("Violence against women", StringComparison.Ordinal)), "the urgent health advice");
        Assert.Contains(To(her), m => m.Contains("(PEP)", StringComparison.Ordinal));
        n = To(her).Count;

        // A warning: the neutral line first (discreet mode), the details when she answers 1.
        await _t.AdminAsync("classify", "0655555555", "very-dangerous");
        Assert.StartsWith("Jasmine: you have a new message.", await Next(her, ++n));
        await Text("33611111111", "1");
        var shown = await Next(her, ++n);
        Assert.Contains("+33 6 55 55 55 55", shown);
        Assert.Contains("VERY DANGEROUS", shown);
        Assert.Contains("send WIPE", shown);

        await Text("33611111111", "WIPE");
        Assert.Contains("can't delete text messages", await Next(her, ++n));

        // Everything went to her E.164 number, in GSM-7-aware parts of at most 3 segments, with our own ids.
        Assert.All(Gateway.Sent, m => Assert.Equal(her, m.To));
        Assert.All(Gateway.Sent, m => Assert.True(SmsSegments.Count(m.Text) <= 3));
        Assert.All(Gateway.Sent, m => Assert.True(OutboxStore.TryParseDeliveryRef(m.Id, out _, out _, out _), m.Id));
        Assert.All(Gateway.Sent, m => Assert.True(m.WithDeliveryReport));
        // The phone reported each one sent then delivered, and the outbox entries say so (their text is gone).
        // A message longer than 3 segments went as several SMS of one outbox entry (the urgent advice is one).
        var entriesSent = Gateway.Sent.Select(m => OutboxStore.TryParseDeliveryRef(m.Id, out var id, out _, out _) ? id : -1).Distinct().Count();
        Assert.True(entriesSent < Gateway.Sent.Count, "no message needed more than one SMS: the advice is expected to");
        try { await Eventually.True(() => OutboxEntries().Count(e => e.Delivery == DeliveryState.Delivered) == entriesSent, "every SMS reported delivered"); }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}: {Gateway.Sent.Count} SMS of {entriesSent} entries sent; outbox: " +
                string.Join(", ", OutboxEntries().GroupBy(o => o.Delivery).Select(g => $"{g.Key} × {g.Count()}")));
        }
        Assert.All(OutboxEntries(), e => Assert.Empty(e.PayloadEnc));
        Assert.All(Gateway.Delivered, w => Assert.Equal(HttpStatusCode.OK, w.Answer));
        Assert.Contains(Gateway.Delivered, w => w.Event == "sms:sent");
        Assert.Contains(Gateway.Delivered, w => w.Event == "sms:delivered");
    }

    [Fact]
    public async Task The_number_is_the_same_member_with_or_without_its_plus_or_in_national_form()
    {
        const string her = "+33622222222";
        var n = await Join(her);
        foreach (var from in new[] { "+33622222222", "0622222222", "33622222222" })
        {
            await Text(from, "0699999990");
            Assert.Contains("not signaled", await Next(her, ++n));
        }
        Assert.Equal(1, _t.Get<JasmineStore>().Members.Count());
    }

    [Fact]
    public async Task Unsigned_forged_stale_and_tampered_webhooks_are_refused_and_nothing_is_processed()
    {
        var code = _t.NewInvite();
        var unsigned = await Gateway.ReceiveAsync(new FakeAndroidGatewayServer.Incoming("33633333333", "JOIN " + code) { Unsigned = true });
        var forged = await Gateway.ReceiveAsync(new FakeAndroidGatewayServer.Incoming("33633333333", "JOIN " + code) { SignWith = "someone-elses-key-0123456789" });
        var replayed = await Gateway.ReceiveAsync(new FakeAndroidGatewayServer.Incoming("33633333333", "JOIN " + code) { TimestampShift = TimeSpan.FromMinutes(-6) });
        var early = await Gateway.ReceiveAsync(new FakeAndroidGatewayServer.Incoming("33633333333", "JOIN " + code) { TimestampShift = TimeSpan.FromMinutes(6) });
        var tampered = await Gateway.ReceiveAsync(new FakeAndroidGatewayServer.Incoming("33633333333", "JOIN " + code) { TamperAfterSigning = true });

        Assert.Equal([HttpStatusCode.Unauthorized], unsigned);
        Assert.Equal([HttpStatusCode.Forbidden], forged);
        Assert.Equal([HttpStatusCode.Forbidden], replayed);
        Assert.Equal([HttpStatusCode.Forbidden], early);
        Assert.Equal([HttpStatusCode.Forbidden], tampered);
        await Task.Delay(300);
        Assert.Empty(Gateway.Sent);
        Assert.Equal(0, _t.Get<JasmineStore>().Conversations.Count());
        Assert.Equal(0, _t.Get<JasmineStore>().Collection<LiteDB.BsonDocument>("inbound").Count());

        // Within the window the same request signed properly is taken: the refusals were about the signature alone.
        var good = await Gateway.ReceiveAsync(new FakeAndroidGatewayServer.Incoming("33633333333", "JOIN " + code) { TimestampShift = TimeSpan.FromMinutes(-4) });
        Assert.Equal([HttpStatusCode.OK], good);
        await Next("+33633333333", 1);
    }

    [Fact]
    public async Task A_forged_delivery_report_cannot_mark_anything_sent_or_failed()
    {
        var http = _t.Host.CreateClient();
        var body = Encoding.UTF8.GetBytes("""{"deviceId":"x","event":"sms:failed","id":"evil1","webhookId":"w","payload":{"messageId":"jb1r0p0","reason":"x"}}""");
        var stamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, AndroidGatewayWebhook.Path) { Content = new ByteArrayContent(body) };
        request.Headers.Add(AndroidGatewaySignature.TimestampHeader, stamp);
        request.Headers.Add(AndroidGatewaySignature.SignatureHeader, AndroidGatewaySignature.Compute("not-the-signing-key-at-all", body, stamp));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_redelivered_event_is_handled_once_but_two_identical_texts_are_both_answered()
    {
        await Text("33644444444", "hello");
        await Next("+33644444444", 1);
        // The app re-sends an event it got no 2xx for, under the same event id: one answer only.
        var id = "Ey6ECgOkVVFjz3CL48B8C";
        Assert.Equal([HttpStatusCode.OK], await Gateway.ReceiveAsync("33655555555", "hello", id));
        Assert.Equal([HttpStatusCode.OK], await Gateway.ReceiveAsync("33655555555", "hello", id));
        await Next("+33655555555", 1);
        // The same text again is a new message (same content-derived messageId, new event id): answered again.
        await Text("33655555555", "hello");
        await Next("+33655555555", 2);
        await Task.Delay(300);
        Assert.Equal(2, To("+33655555555").Count);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413_before_any_parsing_and_without_a_stack_trace_in_the_logs()
    {
        var http = _t.Host.CreateClient();
        var big = Encoding.UTF8.GetBytes("{\"id\":\"" + new string('x', 100_000) + "\"}");
        var stamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var sized = new HttpRequestMessage(HttpMethod.Post, AndroidGatewayWebhook.Path) { Content = new ByteArrayContent(big) };
        sized.Headers.Add(AndroidGatewaySignature.TimestampHeader, stamp);
        sized.Headers.Add(AndroidGatewaySignature.SignatureHeader, AndroidGatewaySignature.Compute(Gateway.SigningKey, big, stamp));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await http.SendAsync(sized)).StatusCode);

        // Without a Content-Length (chunked): read up to the limit, then refused all the same.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, AndroidGatewayWebhook.Path) { Content = new StreamContent(new UnseekableStream(big)) };
        chunked.Headers.Add(AndroidGatewaySignature.TimestampHeader, stamp);
        chunked.Headers.Add(AndroidGatewaySignature.SignatureHeader, AndroidGatewaySignature.Compute(Gateway.SigningKey, big, stamp));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await http.SendAsync(chunked)).StatusCode);

        Assert.DoesNotContain(_t.Logs.Lines, l => l.Contains("   at ", StringComparison.Ordinal));
        Assert.Equal(0, _t.Get<JasmineStore>().Collection<LiteDB.BsonDocument>("inbound").Count());
    }

    [Fact]
    public async Task A_signed_body_that_is_not_an_event_gets_a_clear_400()
    {
        var http = _t.Host.CreateClient();
        var body = Encoding.UTF8.GetBytes("not json at all");
        var stamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, AndroidGatewayWebhook.Path) { Content = new ByteArrayContent(body) };
        request.Headers.Add(AndroidGatewaySignature.TimestampHeader, stamp);
        request.Headers.Add(AndroidGatewaySignature.SignatureHeader, AndroidGatewaySignature.Compute(Gateway.SigningKey, body, stamp));
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a webhook event", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_send_whose_answer_was_lost_is_retried_under_the_same_id_and_not_sent_twice()
    {
        Gateway.LoseAnswers(1);
        await Text("33666666666", "hello");
        await Next("+33666666666", 1);
        await Eventually.True(() => Gateway.RequestCount >= 2, "the retry");
        await Task.Delay(500);
        Assert.Single(To("+33666666666"));
        Assert.Single(OutboxEntries(), e => e.Delivery is not null);
    }

    [Fact]
    public async Task A_send_the_phone_reports_failed_is_handed_over_again_then_given_up_and_counted_failed()
    {
        Gateway.PhoneFailsFor("+33677777777");
        await Text("33677777777", "hello");
        // First hand-over, then MaxResends more (each a new gateway id), then failed for good.
        await Eventually.True(() => To("+33677777777").Count == 1 + OutboxDispatcher.MaxResends, "the resends");
        await Eventually.True(() => OutboxEntries().Any(e => e.Status == OutboxStatus.Failed && e.Delivery == DeliveryState.Failed), "given up");
        await Task.Delay(600);
        Assert.Equal(1 + OutboxDispatcher.MaxResends, To("+33677777777").Count);
        Assert.Equal(1 + OutboxDispatcher.MaxResends, Gateway.Sent.Where(m => m.To == "+33677777777").Select(m => m.Id).Distinct().Count());
        Assert.Empty(Assert.Single(OutboxEntries()).PayloadEnc);

        // The phone works again for someone else: nothing of hers is retried any more.
        Gateway.PhoneWorksFor("+33677777777");
        await Text("33688888888", "hello");
        await Next("+33688888888", 1);
        Assert.Equal(1 + OutboxDispatcher.MaxResends, To("+33677777777").Count);
    }

    [Fact]
    public async Task Stop_marks_her_unreachable_by_sms_and_nothing_more_is_sent()
    {
        const string her = "+33612121212";
        var n = await Join(her);
        await Text("33612121212", "STOP");
        await Task.Delay(300);
        Assert.True(_t.Get<Jasmine.Bots.Members.MemberService>().Address("tel:" + her)!.Unreachable);
        Assert.Equal(n, To(her).Count);
    }

    [Fact]
    public async Task No_password_signing_key_number_or_text_reaches_the_logs()
    {
        await Join("+33614141414");
        await Text("33614141414", "0645454545");
        await Next("+33614141414", 6);
        await Gateway.ReceiveAsync(new FakeAndroidGatewayServer.Incoming("33614141414", "tangerine 0645454545") { SignWith = "another-key-0123456789abc" });
        await Eventually.True(() => Gateway.Delivered.Count(w => w.Event == "sms:delivered") >= 6, "delivery reports");
        var logs = _t.Logs.All;
        Assert.NotEmpty(logs);
        foreach (var secret in new[] { Gateway.Password, Gateway.SigningKey, "+33614141414", "33614141414", "0614141414", "0645454545", "33645454545", "Mimi", "tangerine" })
            Assert.DoesNotContain(secret, logs);
    }

    [Fact]
    public async Task The_staff_console_shows_the_day_s_sms_and_what_waits_without_anything_personal()
    {
        await Text("33699999999", "hello");
        await Next("+33699999999", 1);
        var staff = await Jasmine.Bots.Tests.Staff.StaffClient.SignedInAsync(_t.Factory, "ada", Jasmine.Bots.Staff.StaffRole.Admin);
        var home = WebUtility.HtmlDecode(await staff.GetPageAsync("/staff"));
        // The console speaks French by default.
        Assert.Contains($"Aujourd'hui : {SmsSegments.Count(To("+33699999999")[0])} SMS envoyés sur 100000. En attente : 0 réponses, 0 alertes ou avis.", home);
        Assert.DoesNotContain("33699999999", home);
    }

    /// <summary>A body the client cannot measure: HttpClient sends it chunked, without Content-Length.</summary>
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }
}
