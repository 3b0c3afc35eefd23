using Jasmine.Bots.Channels.Signal;

namespace Jasmine.Bots.Tests.Signal;

public sealed class SignalEnvelopesTests
{
    private const string Us = "+33100000001";
    private const string Her = "+33612345678";

    private static string Item(string envelopeBody, string account = Us) =>
        $$$"""{"envelope":{{{{envelopeBody}}}},"account":"{{{account}}}"}""";

    private static string Text(string from, string text, long ts = 1631458508784) => Item($$$"""
        "source":"{{{from}}}","sourceNumber":"{{{from}}}","sourceUuid":"a1b2c3d4-0000-4000-8000-000000000001",
        "sourceName":"name","sourceDevice":1,"timestamp":{{{ts}}},
        "dataMessage":{"timestamp":{{{ts}}},"message":"{{{text}}}","expiresInSeconds":0,"viewOnce":false,
                       "mentions":[],"attachments":[],"contacts":[]}
        """);

    [Fact]
    public void A_direct_text_becomes_an_inbound_message()
    {
        var messages = SignalEnvelopes.Parse($"[{Text(Her, "bonjour")}]", Us);

        var message = Assert.Single(messages);
        Assert.Equal(new SignalInbound(Her, "a1b2c3d4-0000-4000-8000-000000000001", 1631458508784, "bonjour"), message);
    }

    [Fact]
    public void An_empty_receive_gives_no_messages() => Assert.Empty(SignalEnvelopes.Parse("[]", Us));

    [Fact]
    public void Receipts_typing_and_sync_messages_are_ignored()
    {
        var json = "[" + string.Join(",",
            Item($$$"""
                "sourceNumber":"{{{Her}}}","timestamp":2,
                "receiptMessage":{"when":2,"isDelivery":true,"isRead":false,"isViewed":false,"timestamps":[1]}
                """),
            Item($$$"""
                "sourceNumber":"{{{Her}}}","timestamp":3,"typingMessage":{"action":"STARTED","timestamp":3}
                """),
            Item($$$"""
                "sourceNumber":"{{{Her}}}","timestamp":4,
                "syncMessage":{"sentMessage":{"destinationNumber":"+33699999999","message":"from my other device","timestamp":4}}
                """),
            // A sync message that also carries a data message must still not be taken as the person's text.
            Item($$$"""
                "sourceNumber":"{{{Her}}}","timestamp":5,"syncMessage":{},
                "dataMessage":{"timestamp":5,"message":"mixed"}
                """)) + "]";

        Assert.Empty(SignalEnvelopes.Parse(json, Us));
    }

    [Fact]
    public void Group_messages_are_ignored()
    {
        var json = "[" + string.Join(",",
            Item($$$"""
                "sourceNumber":"{{{Her}}}","timestamp":6,
                "dataMessage":{"timestamp":6,"message":"to the group","groupInfo":{"groupId":"abc=","type":"DELIVER","revision":3}}
                """),
            Item($$$"""
                "sourceNumber":"{{{Her}}}","timestamp":7,
                "dataMessage":{"timestamp":7,"message":"to the group","groupV2":{"id":"abc="}}
                """)) + "]";

        Assert.Empty(SignalEnvelopes.Parse(json, Us));
    }

    [Fact]
    public void Data_messages_without_text_are_ignored()
    {
        var json = "[" + string.Join(",",
            Item($$$"""
                "sourceNumber":"{{{Her}}}","timestamp":8,
                "dataMessage":{"timestamp":8,"message":null,"reaction":{"emoji":"👍","targetSentTimestamp":1,"isRemove":false}}
                """),
            Item($$$"""
                "sourceNumber":"{{{Her}}}","timestamp":9,
                "dataMessage":{"timestamp":9,"attachments":[{"contentType":"image/jpeg","id":"x"}]}
                """),
            Item($$$"""
                "sourceNumber":"{{{Her}}}","timestamp":10,"dataMessage":{"timestamp":10,"message":""}
                """)) + "]";

        Assert.Empty(SignalEnvelopes.Parse(json, Us));
    }

    [Fact]
    public void Messages_from_our_own_number_are_ignored() =>
        Assert.Empty(SignalEnvelopes.Parse($"[{Text(Us, "note to self")}]", Us));

    [Fact]
    public void A_missing_sourceNumber_falls_back_to_source_when_it_is_a_number()
    {
        var json = $$$"""[{"envelope":{"source":"{{{Her}}}","sourceNumber":null,"timestamp":11,"dataMessage":{"timestamp":11,"message":"hi"} } }]""";

        var message = Assert.Single(SignalEnvelopes.Parse(json, Us));
        Assert.Equal(Her, message.SourceNumber);
        Assert.Null(message.SourceUuid);
    }

    [Fact]
    public void A_sender_known_only_by_uuid_is_kept_with_her_uuid_and_no_number()
    {
        var json = """
            [{"envelope":{"source":"a1b2c3d4-0000-4000-8000-000000000002","sourceNumber":null,"sourceUuid":"a1b2c3d4-0000-4000-8000-000000000002",
              "timestamp":12,"dataMessage":{"timestamp":12,"message":"hidden number"}}}]
            """;

        Assert.Equal(new SignalInbound(null, "a1b2c3d4-0000-4000-8000-000000000002", 12, "hidden number"), Assert.Single(SignalEnvelopes.Parse(json, Us)));
    }

    [Fact]
    public void The_data_message_timestamp_is_used_when_the_envelope_has_none()
    {
        var json = $$$"""[{"envelope":{"sourceNumber":"{{{Her}}}","dataMessage":{"timestamp":13,"message":"hi"} } }]""";

        Assert.Equal(13, Assert.Single(SignalEnvelopes.Parse(json, Us)).Timestamp);
    }

    [Fact]
    public void Unknown_fields_are_tolerated()
    {
        var json = $$$"""
            [{"envelope":{"sourceNumber":"{{{Her}}}","timestamp":14,"somethingNew":{"deep":[1,2,{"x":null}]},
              "dataMessage":{"timestamp":14,"message":"still here","pollCreate":{"question":"?"},"textStyles":[]}},
              "account":"{{{Us}}}","future":true}]
            """;

        Assert.Equal("still here", Assert.Single(SignalEnvelopes.Parse(json, Us)).Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[{\"envelope\":")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("[1, null, \"x\", [], {}]")]
    [InlineData("[{\"envelope\":5}, {\"envelope\":null}, {\"envelope\":{}}]")]
    [InlineData("[{\"envelope\":{\"sourceNumber\":5,\"timestamp\":1,\"dataMessage\":{\"message\":\"x\"}}}]")]
    [InlineData("[{\"envelope\":{\"sourceNumber\":\"+33612345678\",\"timestamp\":\"1\",\"dataMessage\":{\"message\":\"x\"}}}]")]
    [InlineData("[{\"envelope\":{\"sourceNumber\":\"+33612345678\",\"timestamp\":1.5,\"dataMessage\":{\"message\":\"x\"}}}]")]
    [InlineData("[{\"envelope\":{\"sourceNumber\":\"+33612345678\",\"timestamp\":1,\"dataMessage\":{\"message\":7}}}]")]
    [InlineData("[{\"envelope\":{\"sourceNumber\":\"0612345678\",\"timestamp\":1,\"dataMessage\":{\"message\":\"x\"}}}]")]
    [InlineData("[{\"envelope\":{\"sourceNumber\":\"+33612345678\",\"timestamp\":1,\"dataMessage\":[]}}]")]
    public void Garbage_gives_no_messages_and_never_throws(string json) =>
        Assert.Empty(SignalEnvelopes.Parse(json, Us));

    [Fact]
    public void Malformed_items_do_not_hide_the_good_ones_around_them()
    {
        var json = $"[5, {{\"envelope\":\"x\"}}, {Text(Her, "one", 20)}, {{}}, {Text(Her, "two", 21)}]";

        Assert.Equal(["one", "two"], SignalEnvelopes.Parse(json, Us).Select(m => m.Text));
    }
}
