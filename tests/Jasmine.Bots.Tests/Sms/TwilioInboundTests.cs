using Jasmine.Bots.Channels.Sms;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Jasmine.Bots.Tests.Sms;

public sealed class TwilioInboundTests
{
    private static KeyValuePair<string, string>[] Webhook(params (string Key, string Value)[] extra) =>
    [
        new("ToCountry", "FR"),
        new("SmsMessageSid", "SM11111111111111111111111111111111"),
        new("NumMedia", "0"),
        new("MessageSid", "SM11111111111111111111111111111111"),
        new("AccountSid", "AC00000000000000000000000000000001"),
        new("From", "+33612345678"),
        new("To", "+33757000001"),
        new("Body", "Bonjour, j'ai besoin d'aide"),
        new("NumSegments", "1"),
        new("SomeFieldTwilioAddsNextYear", "x"),
        .. extra.Select(e => KeyValuePair.Create(e.Key, e.Value)),
    ];

    [Fact]
    public void An_inbound_sms_is_read_from_the_webhook_form_ignoring_unknown_keys() =>
        Assert.Equal(
            new TwilioInboundSms("SM11111111111111111111111111111111", "+33612345678", "+33757000001", "Bonjour, j'ai besoin d'aide", 0),
            TwilioInboundSms.FromForm(Webhook()));

    [Fact]
    public void A_picture_without_caption_has_an_empty_body()
    {
        var form = Webhook().Where(p => p.Key is not ("Body" or "NumMedia")).Append(new("NumMedia", "2"));
        var sms = TwilioInboundSms.FromForm(form);
        Assert.NotNull(sms);
        Assert.Equal(("", 2), (sms.Body, sms.NumMedia));
    }

    [Theory]
    [InlineData("MessageSid")]
    [InlineData("From")]
    [InlineData("To")]
    public void A_form_without_the_essentials_is_not_an_sms(string missing) =>
        Assert.Null(TwilioInboundSms.FromForm(Webhook().Where(p => p.Key != missing)));

    [Fact]
    public void An_aspnet_form_collection_is_read_too()
    {
        var form = new FormCollection(Webhook().ToDictionary(p => p.Key, p => new StringValues(p.Value)));
        Assert.Equal("+33612345678", TwilioInboundSms.FromForm(form)?.From);
    }

    [Fact]
    public void Printing_an_inbound_sms_reveals_neither_number_nor_text()
    {
        var printed = TwilioInboundSms.FromForm(Webhook())!.ToString();
        Assert.DoesNotContain("+336", printed);
        Assert.DoesNotContain("besoin", printed);
    }

    [Fact]
    public void An_empty_twiml_response_replies_nothing() =>
        Assert.Equal("""<?xml version="1.0" encoding="UTF-8"?><Response></Response>""", TwiML.Empty());

    [Fact]
    public void A_twiml_message_is_xml_escaped() =>
        Assert.Equal(
            """<?xml version="1.0" encoding="UTF-8"?><Response><Message>Tom &amp; Jerry &lt;3 &quot;ok&quot; l&apos;été 😀</Message></Response>""",
            TwiML.Message("Tom & Jerry <3 \"ok\" l'été 😀"));

    [Fact]
    public void A_twiml_message_is_well_formed_even_with_control_characters()
    {
        var xml = TwiML.Message("a\u0001b\u0008c\nd");
        var doc = System.Xml.Linq.XDocument.Parse(xml);
        Assert.Equal("abc\nd", doc.Root!.Element("Message")!.Value);
    }

    [Theory]
    [InlineData("STOP", SmsKeywordKind.OptOut)]
    [InlineData("  stop \n", SmsKeywordKind.OptOut)]
    [InlineData("StopAll", SmsKeywordKind.OptOut)]
    [InlineData("UNSUBSCRIBE", SmsKeywordKind.OptOut)]
    [InlineData("end", SmsKeywordKind.OptOut)]
    [InlineData("QUIT", SmsKeywordKind.OptOut)]
    [InlineData("revoke", SmsKeywordKind.OptOut)]
    [InlineData("OPTOUT", SmsKeywordKind.OptOut)]
    [InlineData("Cancel", SmsKeywordKind.OptOut)]
    [InlineData("ARRET", SmsKeywordKind.OptOut)]
    [InlineData("arrêt", SmsKeywordKind.OptOut)]
    [InlineData("START", SmsKeywordKind.OptIn)]
    [InlineData("yes", SmsKeywordKind.OptIn)]
    [InlineData("Unstop", SmsKeywordKind.OptIn)]
    [InlineData("HELP", SmsKeywordKind.Help)]
    [InlineData("info", SmsKeywordKind.Help)]
    [InlineData("Aide", SmsKeywordKind.Help)]
    public void A_carrier_keyword_alone_is_recognised(string body, SmsKeywordKind expected) =>
        Assert.Equal(expected, SmsKeywords.Classify(body));

    [Theory]
    [InlineData("Stop, il me suit")]
    [InlineData("oui")]
    [InlineData("STOP!")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_an_ordinary_message(string? body) => Assert.Null(SmsKeywords.Classify(body));
}
