using Jasmine.Bots.Conversations;
using Jasmine.Bots.Reports;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Conversations;

/// <summary>Issue 13: flows with contracts (versions, declared outcomes) and free text as people write it.</summary>
public sealed class ConversationContractsTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    private async Task<Chat> AtTheStory(string name)
    {
        var chat = _host.Chat(name);
        await chat.Join(_host.NewInvite());
        foreach (var step in new[] { "/report", "06 12 34 56 78", "1", "5", "11", "1", "13001" }) await chat.Send(step);
        chat.Expect("own words");
        return chat;
    }

    [Fact]
    public async Task Her_story_in_several_messages_is_kept_whole_in_the_report()
    {
        var chat = await AtTheStory("story");
        await chat.Send("He refused to pay.");
        await chat.Send("Then he hit me and took my phone.");
        chat.Expect("Added (2 message(s))");
        await chat.Tap("Done");
        await chat.Tap("No thanks");
        await chat.Tap("Send");
        var report = _host.Get<JasmineStore>().Reports.FindAll().Single();
        Assert.Equal("He refused to pay.\nThen he hit me and took my phone.", _host.Get<ReportService>().FreeText(report));
    }

    [Fact]
    public async Task A_message_longer_than_ten_thousand_characters_is_kept_up_to_the_limit_and_she_is_told()
    {
        var chat = await AtTheStory("long");
        var story = string.Concat(Enumerable.Repeat("He was violent. ", 800)); // 12,800 characters
        await chat.Send(story);
        chat.Expect("I kept the first 10000 characters");
        chat.Expect("Added (1 message(s))");
        await chat.Tap("Done");
        await chat.Tap("No thanks");
        await chat.Tap("Send");
        var report = _host.Get<JasmineStore>().Reports.FindAll().Single();
        Assert.Equal(story[..10_000].Trim(), _host.Get<ReportService>().FreeText(report));
    }

    [Fact]
    public async Task A_state_saved_under_the_previous_version_of_the_report_goes_on_at_the_nearest_step_with_her_answers()
    {
        var chat = _host.Chat("old-version");
        await chat.Join(_host.NewInvite());
        await chat.Send("/report");
        var conversations = _host.Get<ConversationStore>();
        var state = conversations.Load("try:old-version")!;
        // As version 1 left it: at the gate after "who", which version 2 no longer has.
        state.Step = "ids_gate";
        state.FlowVersion = 1;
        state.SetAll("ids", ["id:Phone:+33612345678"]);
        conversations.Save("try:old-version", state);

        await chat.Send("hello");
        chat.Expect("This service was updated while you were away; your answers are kept.");
        var now = conversations.Load("try:old-version")!;
        Assert.Equal("categories", now.Step);
        Assert.Equal(2, now.FlowVersion);
        Assert.Equal(["id:Phone:+33612345678"], now.GetAll("ids"));
    }

    [Fact]
    public void Every_flow_has_a_version_and_every_case_of_a_declared_action_can_happen()
    {
        // The host validated the flows at start (it would not start otherwise); a broken contract is caught there.
        var flows = _host.Get<FlowSet>();
        Assert.All(flows.Flows.Values, f => Assert.True(f.Version >= 1, f.Id));
        var host = _host.Get<BotFlowHost>();
        var broken = new FlowSet([new FlowDefinition
        {
            Id = "x", Version = 1, Start = "a",
            Steps = new() { ["a"] = new StepDefinition { Action = "report.begin", Cases = new() { ["member"] = "a", ["nonsense"] = "a" } } },
        }], flows.Globals);
        var problems = broken.Validate(_host.Get<Jasmine.Bots.Localization.Locales>(), host);
        Assert.Contains(problems, p => p.Contains("case 'nonsense' can never happen"));
        Assert.Contains(problems, p => p.Contains("outcome 'organisation' has no case"));
    }

    public void Dispose() => _host.Dispose();
}
