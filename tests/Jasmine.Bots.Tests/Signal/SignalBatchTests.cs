using Jasmine.Bots.Channels.Signal;
using Jasmine.Bots.Tests.Fakes;

namespace Jasmine.Bots.Tests.Signal;

/// <summary>A receive body as the API really builds it: signal-cli's lines joined with commas, whatever they are.</summary>
public sealed class SignalBatchTests
{
    private const string Us = "+33100000001";
    private const string Her = "+33612345678";
    private const string HerUuid = "a1b2c3d4-0000-4000-8000-000000000001";

    private static string Text(string text, long ts) => $$$"""
        {"envelope":{"source":"{{{HerUuid}}}","sourceNumber":null,"sourceUuid":"{{{HerUuid}}}","sourceDevice":1,"timestamp":{{{ts}}},
        "dataMessage":{"timestamp":{{{ts}}},"message":"{{{text}}}"}},"account":"{{{Us}}}"}
        """.Replace("\n", "", StringComparison.Ordinal);

    [Fact]
    public void A_stack_trace_merged_into_the_array_loses_none_of_the_messages_around_it()
    {
        var body = "[" + string.Join(",",
            Text("one", 20),
            "java.lang.IllegalStateException: Failed to process message for " + Her,
            "\tat org.asamk.signal.manager.internal.ManagerImpl.receiveMessages(ManagerImpl.java:1042)",
            "\tat org.asamk.signal.App.init(App.java:233) {\"json-ish\": true}",
            Text("two", 21),
            "Exception in thread \"main\" java.lang.NullPointerException",
            Text("three", 22)) + "]";

        var batch = SignalEnvelopes.ParseBatch(body, Us);

        Assert.Equal(["one", "two", "three"], batch.Messages.Select(m => m.Text));
        Assert.Equal(2, batch.Unreadable);
    }

    [Theory]
    [InlineData("[java.lang.RuntimeException: boom]")]
    [InlineData("[{\"envelope\":{\"source\":")]
    [InlineData("[,,]")]
    public void A_body_with_nothing_readable_counts_it_and_never_throws(string body)
    {
        var batch = SignalEnvelopes.ParseBatch(body, Us);

        Assert.Empty(batch.Messages);
        Assert.True(batch.Unreadable >= (body == "[,,]" ? 0 : 1));
    }

    [Fact]
    public void Exception_items_are_counted_by_type_and_an_untrusted_identity_names_who_to_trust()
    {
        var body = $$$"""
            [{"account":"{{{Us}}}","exception":{"message":"Untrusted identity for {{{Her}}}","type":"UntrustedIdentityException"},
              "envelope":{"source":"{{{HerUuid}}}","sourceNumber":null,"sourceUuid":"{{{HerUuid}}}","timestamp":30}},
             {"account":"{{{Us}}}","exception":{"message":"bad","type":"ProtocolInvalidMessageException"},"envelope":{"timestamp":31}},
             {{{Text("still here", 32)}}}]
            """;

        var batch = SignalEnvelopes.ParseBatch(body, Us);

        Assert.Equal("still here", Assert.Single(batch.Messages).Text);
        Assert.Equal(1, batch.Exceptions["UntrustedIdentityException"]);
        Assert.Equal(1, batch.Exceptions["ProtocolInvalidMessageException"]);
        Assert.Equal(new SignalIdentityChange(null, HerUuid), Assert.Single(batch.IdentityChanges));
    }

    [Fact]
    public void An_edit_message_is_read_as_the_new_text_of_its_target()
    {
        var body = $$$"""
            [{"envelope":{"source":"{{{HerUuid}}}","sourceUuid":"{{{HerUuid}}}","timestamp":41,
              "editMessage":{"targetSentTimestamp":40,"dataMessage":{"timestamp":41,"message":"06 12 34 56 79"}} } }]
            """;

        var message = Assert.Single(SignalEnvelopes.ParseBatch(body, Us).Messages);

        Assert.Equal(new SignalInbound(null, HerUuid, 41, "06 12 34 56 79", EditOf: 40), message);
    }

    [Fact]
    public void An_edit_in_the_same_batch_replaces_the_text_of_its_message_and_a_later_one_comes_as_her_next_message()
    {
        IReadOnlyList<SignalInbound> batch =
        [
            new(null, HerUuid, 50, "0612"),
            new(null, "b1b2c3d4-0000-4000-8000-000000000002", 51, "other"),
            new(null, HerUuid, 52, "06 12 34 56 78", EditOf: 50),
            new(null, HerUuid, 53, "edit of something handled earlier", EditOf: 10),
        ];

        var merged = SignalReceiver.MergeEdits(batch);

        Assert.Equal(["06 12 34 56 78", "other", "edit of something handled earlier"], merged.Select(m => m.Text));
        Assert.Equal(50, merged[0].Timestamp);
    }

    [Fact]
    public async Task The_receiver_delivers_the_messages_around_a_stack_trace_and_logs_only_counts()
    {
        await using var fake = await FakeSignalServer.StartAsync();
        var logs = new Jasmine.Bots.Tests.Support.LogCapture();
        var handler = new CollectingHandler();
        using var host = SignalTestHost.Build(fake, handler, logs);
        var uuid = fake.AddPerson(Her, hidesNumber: true);

        fake.EnqueueText(Her, "avant la trace");
        fake.EnqueueStackTrace();
        fake.EnqueueException(Her, "ProtocolInvalidMessageException", "bad message from " + Her);
        fake.EnqueueText(Her, "après la trace");
        await host.StartAsync();

        await handler.WaitForCountAsync(2);
        await host.StopAsync();

        Assert.Equal(["avant la trace", "après la trace"], handler.Received.Select(m => m.Text));
        Assert.All(handler.Received, m => Assert.Equal((null, uuid), (m.SourceNumber, m.SourceUuid)));
        Assert.Contains(logs.Lines, l => l.Contains("1 unreadable", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("ProtocolInvalidMessageException", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(Her, StringComparison.Ordinal) || l.Contains(uuid, StringComparison.Ordinal)
                                               || l.Contains("PreKey", StringComparison.Ordinal) || l.Contains("la trace", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_signal_cli_is_killed_mid_receive_the_receiver_asks_for_fewer_messages_and_keeps_receiving()
    {
        await using var fake = await FakeSignalServer.StartAsync();
        var handler = new CollectingHandler();
        using var host = SignalTestHost.Build(fake, handler);
        fake.FailNextReceives(1, 400, FakeSignalServer.Texts.Killed);
        fake.EnqueueText(Her, "après");
        await host.StartAsync();

        await handler.WaitForCountAsync(1);
        await host.StopAsync();

        var asked = fake.ReceiveMaxMessages.ToList();
        Assert.Equal(50, asked[0]);
        Assert.Equal(25, asked[1]);
    }
}
