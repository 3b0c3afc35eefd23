using Jasmine.Bots.Conversations;
using Jasmine.Bots.Members;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Transcripts;

/// <summary>Found by <see cref="ReportFlowProperties"/>: a long message is cut at 2000 characters, which may fall inside an emoji.</summary>
[Collection(TranscriptsCollection.Name)]
public sealed class LongMessageTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task A_long_message_cut_in_the_middle_of_an_emoji_gets_an_answer_and_keeps_her_report()
    {
        var chat = _host.Chat("long-emoji");
        await chat.Join(_host.NewInvite());
        await chat.Send("report");
        await chat.Send("06 12 34 56 78");
        await chat.Tap("Yes, that's all");
        chat.Expect("What happened?");

        // 1999 letters then an emoji: the cut at 2000 UTF-16 units falls between the two halves of the emoji.
        await chat.Send(new string('a', 1999) + "😀 and more");
        chat.Expect("Pick one of the options");
        Assert.DoesNotContain("Oops", chat.LastText);
        var state = _host.Get<ConversationStore>().Load(Urns.Try("long-emoji"));
        Assert.Equal(("report", "categories"), (state?.Flow, state?.Step));
        Assert.NotEmpty(state!.GetAll("ids"));

        await chat.Send("3");
        await chat.Send("done");
        chat.Expect("When?");
    }
}
