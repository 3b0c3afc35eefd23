using System.Collections.Frozen;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Localization;

namespace Jasmine.Bots.Tests.Conversations;

public sealed class EngineTests
{
    private sealed class TinyHost : IFlowHost
    {
        public IReadOnlyCollection<string> Actions => ["count"];
        public IReadOnlyCollection<string> Parsers => ["digits"];
        public IReadOnlyCollection<string> ChoiceSources => [];
        public int Counted;
        public ParseResult Parse(string parser, TurnContext ctx) => ctx.Input.Text.All(char.IsAsciiDigit) && ctx.Input.Text.Length > 0 ? ParseResult.Success(ctx.Input.Text) : ParseResult.Fail();
        public string Run(string action, TurnContext ctx) { Counted++; return "ok"; }
        public IReadOnlyList<Choice> Choices(string source, TurnContext ctx) => [];
    }

    private static Locales Texts(params (string Key, string Text)[] texts)
    {
        var map = texts.ToDictionary(t => t.Key, t => t.Text);
        foreach (var k in new[] { "help.short", "error.generic", "error.invalid", "error.choose", "resume.ask", "resume.continue", "resume.restart", "resume.expired", "choice.cancel", "multi.selected", "welcome.need_code" })
            map.TryAdd(k, k + " {selected}".Replace(" {selected}", k == "multi.selected" ? " {selected}" : ""));
        return new Locales([new LocaleTexts("fr", "Français", map.ToFrozenDictionary()), new LocaleTexts("en", "English", map.ToFrozenDictionary())]);
    }

    private static FlowSet Flows(string yamlFlow)
    {
        var dir = Directory.CreateTempSubdirectory("flows");
        File.WriteAllText(Path.Combine(dir.FullName, "globals.yaml"), "default: f\ncancel: f\nglobals: []\n");
        File.WriteAllText(Path.Combine(dir.FullName, "f.yaml"), yamlFlow);
        return FlowSet.Load(dir.FullName);
    }

    [Fact]
    public void An_unknown_step_a_missing_text_and_a_dead_end_are_clear_load_errors()
    {
        var flows = Flows("""
            id: f
            version: 1
            start: a
            steps:
              a:
                ask: q.a
                input: digits
                next: nowhere
              b:
                say: q.missing
            """);
        var problems = flows.Validate(Texts(("q.a", "A?")), new TinyHost());
        Assert.Contains(problems, p => p.Contains("unknown step 'nowhere'"));
        Assert.Contains(problems, p => p.Contains("text 'q.missing'"));
        Assert.Contains(problems, p => p.Contains("f.b: dead end"));
    }

    [Fact]
    public void The_engine_asks_reads_the_answer_routes_and_remembers_where_it_is()
    {
        var flows = Flows("""
            id: f
            version: 1
            members_only: false
            start: a
            steps:
              a:
                ask: q.a
                input: digits
                invalid: q.bad
                set: n
                next: b
              b:
                ask: q.b
                choices:
                  - { value: yes, label: q.yes }
                  - { value: no, label: q.no }
                cases: { yes: c, no: d }
              c:
                action: count
                say: q.c
                end: true
              d:
                say: q.d
                end: true
            """);
        var locales = Texts(("q.a", "Number?"), ("q.bad", "Digits please."), ("q.b", "Sure about {n}?"), ("q.yes", "Yes"), ("q.no", "No"), ("q.c", "Counted."), ("q.d", "Not counted."), ("keywords.yes", "yes|oui"));
        var host = new TinyHost();
        Assert.Empty(flows.Validate(locales, host));
        var engine = new ConversationEngine(flows, locales);
        var state = new ConversationState();
        var now = DateTimeOffset.UtcNow;

        Assert.Equal("Number?", Assert.Single(engine.Handle(state, Inbound.FromText("hi"), host, null, "t:1", now)).Text);
        var retry = Assert.Single(engine.Handle(state, Inbound.FromText("abc"), host, null, "t:1", now));
        Assert.Equal("Digits please.\n\nNumber?", retry.Text);
        var question = Assert.Single(engine.Handle(state, Inbound.FromText("42"), host, null, "t:1", now));
        Assert.Equal("Sure about 42?", question.Text);
        Assert.Equal(["yes", "no"], question.Choices.Select(c => c.Value));
        Assert.Equal("b", state.Step);
        Assert.Equal("Counted.", Assert.Single(engine.Handle(state, Inbound.FromText("OUI"), host, null, "t:1", now)).Text);
        Assert.Equal(1, host.Counted);
        Assert.False(state.InFlow);
    }

    [Fact]
    public void A_flow_that_loops_forever_is_stopped_by_the_step_limit()
    {
        var flows = Flows("""
            id: f
            version: 1
            members_only: false
            start: a
            steps:
              a:
                action: count
                next: b
              b:
                action: count
                next: a
            """);
        var host = new TinyHost();
        var engine = new ConversationEngine(flows, Texts(), new EngineOptions { StepLimit = 20 });
        var state = new ConversationState();
        var replies = engine.Handle(state, Inbound.FromText("go"), host, null, "t:1", DateTimeOffset.UtcNow);
        Assert.Equal("error.generic", Assert.Single(replies).Text);
        Assert.InRange(host.Counted, 19, 21);
        Assert.False(state.InFlow);
    }
}
