using Jasmine.Bots.Channels.Signal;

namespace Jasmine.Bots.Tests.Safety;

/// <summary>What a Signal message brings to screening: her text, a contact she shared, never the bot's own words.</summary>
public sealed class SignalForwardTests
{
    private const string Us = "+33100000001";
    private const string Her = "+33612345678";

    private static string Envelope(string dataMessage) =>
        "[{\"envelope\":{\"source\":\"" + Her + "\",\"sourceNumber\":\"" + Her + "\",\"sourceUuid\":\"a1b2c3d4-0000-4000-8000-000000000009\",\"timestamp\":30,"
        + "\"dataMessage\":{\"timestamp\":30," + dataMessage + "}},\"account\":\"" + Us + "\"}]";

    [Fact]
    public void A_shared_contact_gives_its_numbers_and_e_mails_but_not_its_name()
    {
        var body = Envelope("""
            "message":null,"sharedContacts":[{"name":{"display":"Marc Client","given":"Marc"},
              "phone":[{"value":"+33 6 11 22 33 44","type":"MOBILE","label":null},{"value":"07 55 66 77 88","type":"HOME","label":null}],
              "email":[{"value":"marc@example.com","type":"HOME","label":null}],"organization":"Garage Marc"}]
            """.Replace("\n", "", StringComparison.Ordinal));
        var message = Assert.Single(SignalEnvelopes.Parse(body, Us));
        Assert.Equal("+33 6 11 22 33 44\n07 55 66 77 88\nmarc@example.com", message.Text);
    }

    [Fact]
    public void A_reply_quoting_the_bot_keeps_only_her_answer()
    {
        var body = Envelope("\"message\":\"1\",\"quote\":{\"id\":29,\"author\":\"" + Us + "\",\"authorNumber\":\"" + Us + "\",\"text\":\"Call 06 99 88 77 66?\"}");
        Assert.Equal("1", Assert.Single(SignalEnvelopes.Parse(body, Us)).Text);
    }
}
