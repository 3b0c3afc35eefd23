using Jasmine.Bots.Localization;

namespace Jasmine.Bots.Conversations;

public sealed record EngineResult(IReadOnlyList<Reply> Replies, string? MemberId);

public sealed record EngineOptions
{
    /// <summary>Steps one turn may run before the engine gives up (a loop in a flow must not hang a channel).</summary>
    public int StepLimit { get; init; } = 50;
    /// <summary>A member coming back after this long is asked whether to continue or start over.</summary>
    public TimeSpan ResumePromptAfter { get; init; } = TimeSpan.FromHours(1);
    /// <summary>A flow left untouched this long is discarded (a half-filled report must not linger).</summary>
    public TimeSpan DiscardAfter { get; init; } = TimeSpan.FromDays(3);
    /// <summary>Longest text accepted as an answer; longer is cut, never refused.</summary>
    public int MaxTextLength { get; init; } = 2000;
}

/// <summary>
/// The pure conversation engine: (flows, state, input) → (new state, replies). It never touches storage or a
/// channel; whatever a step needs from the world goes through <see cref="IFlowHost"/>.
/// </summary>
public sealed class ConversationEngine(FlowSet flows, Locales locales, EngineOptions? options = null)
{
    private const string ResumeFlag = "_resume";
    private readonly EngineOptions _options = options ?? new EngineOptions();

    public FlowSet Flows => flows;
    public Locales Locales => locales;

    public IReadOnlyList<Reply> Handle(ConversationState state, Inbound input, IFlowHost host, string? memberId, string address, DateTimeOffset now) =>
        Run(state, input, host, memberId, address, now).Replies;

    /// <summary>One turn; also tells who is speaking at its end (a join creates a member, an erase removes one).</summary>
    public EngineResult Run(ConversationState state, Inbound input, IFlowHost host, string? memberId, string address, DateTimeOffset now)
    {
        var ctx = new TurnContext(state, locales, input with { Text = Clean(input.Text) }, now) { MemberId = memberId, Address = address };
        try
        {
            Turn(ctx, host);
        }
        catch (FlowLoopException)
        {
            state.Reset();
            ctx.Say("error.generic");
        }
        state.UpdatedAt = now;
        if (ctx.Replies.Count == 0) ctx.Say("help.short");
        return new EngineResult(Merge(ctx.Replies), ctx.MemberId);
    }

    /// <summary>
    /// Consecutive texts become one message, and a question joins the text before it: fewer notifications on her
    /// phone and fewer SMS. A reply with choices, a map location or a document closes a message; a document is
    /// never merged either way, so that neither the file nor the text beside it is lost.
    /// </summary>
    public static IReadOnlyList<Reply> Merge(IReadOnlyList<Reply> replies)
    {
        var merged = new List<Reply>(replies.Count);
        foreach (var reply in replies)
        {
            if (merged.Count > 0 && merged[^1] is { Choices.Count: 0, Location: null, DocumentBytes: null } last && reply is { Location: null, DocumentBytes: null })
                merged[^1] = reply with { Text = last.Text + "\n\n" + reply.Text };
            else merged.Add(reply);
        }
        return merged;
    }

    private string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var cut = _options.MaxTextLength;
        // Never cut between the two halves of an emoji: a lone surrogate makes string.Normalize (TextFolding) throw.
        if (text.Length > cut && cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        var chars = text.Length > cut ? text[..cut] : text;
        // Control characters other than line breaks carry nothing a person meant to say.
        return new string(chars.Where(c => !char.IsControl(c) || c is '\n').ToArray()).Trim();
    }

    private void Turn(TurnContext ctx, IFlowHost host)
    {
        var state = ctx.State;
        var input = ctx.Input;

        if (MatchGlobal(input.Text) is { } global)
        {
            state.Reset();
            if (global.Word.Argument is { } argName && global.Argument is { } arg) state.Set(argName, arg);
            Start(ctx, host, global.Word.Flow, input);
            return;
        }

        if (state.InFlow && state.FlowStartedAt is { } started && ctx.Now - state.UpdatedAt > _options.DiscardAfter)
        {
            state.Reset();
            ctx.Say("resume.expired");
        }

        if (state.InFlow && state.Get(ResumeFlag) is not null)
        {
            HandleResumeAnswer(ctx, host);
            return;
        }

        if (state.InFlow && ctx.Now - state.UpdatedAt > _options.ResumePromptAfter && Current(state) is { Ask: not null })
        {
            state.Set(ResumeFlag, "1");
            ctx.Say("resume.ask", null, [ctx.Choice("resume.continue", "continue"), ctx.Choice("resume.restart", "restart"), ctx.Choice("choice.cancel", "cancel")]);
            return;
        }

        if (state.InFlow && Current(state) is { Ask: not null } waiting)
        {
            Answer(ctx, host, waiting);
            return;
        }

        state.Reset();
        Start(ctx, host, flows.Globals.Default, input);
    }

    private void HandleResumeAnswer(TurnContext ctx, IFlowHost host)
    {
        var state = ctx.State;
        var choices = new[] { new Choice("", "continue"), new Choice("", "restart"), new Choice("", "cancel") };
        var picked = ChoiceMatcher.Match(ctx, choices, ctx.Input.Text);
        state.Remove(ResumeFlag);
        switch (picked?.Value)
        {
            case "continue":
                if (Current(state) is { Ask: not null } step) ctx.Add(new Reply(ctx.Text(step.Ask), ChoicesOf(ctx, host, step)));
                break;
            case "restart":
                var flow = state.Flow!;
                state.Reset();
                Start(ctx, host, flow, ctx.Input);
                break;
            case "cancel":
                state.Reset();
                Start(ctx, host, "cancel", ctx.Input);
                break;
            default:
                // Not an answer to the resume question: treat it as the answer to the waiting step.
                if (Current(state) is { Ask: not null } waiting) Answer(ctx, host, waiting);
                else { state.Reset(); Start(ctx, host, flows.Globals.Default, ctx.Input); }
                break;
        }
    }

    private (GlobalWord Word, string? Argument)? MatchGlobal(string text)
    {
        if (text.Length == 0 || text.Length > 80) return null;
        var folded = TextFolding.Fold(text);
        var parts = text.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
        var head = parts.Length > 0 ? parts[0] : "";
        var argument = parts.Length > 1 ? parts[1].Trim() : null;
        foreach (var word in flows.Globals.Globals)
        {
            // Button values like "show:TOKEN" carry their argument after the colon.
            foreach (var prefix in word.Commands.Where(c => c.EndsWith(':')))
                if (word.Argument is not null && argument is null && head.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && head.Length > prefix.Length)
                    return (word, head[prefix.Length..]);
            // Telegram sends "/start@BotName" in groups; the bot name is noise here.
            var command = head.Split('@')[0].ToLowerInvariant();
            if (word.Commands.Contains(command, StringComparer.OrdinalIgnoreCase) && (word.Argument is null) == (argument is null) && (argument is null || IsCodeLike(argument)))
                return (word, argument);
            foreach (var locale in locales.All)
            {
                foreach (var w in locale.Keywords(word.Words))
                {
                    if (word.Argument is null && folded == w) return (word, null);
                    // The argument must look like a code (one token, letters and digits): "code postal 13001" is not a join.
                    if (word.Argument is not null && argument is not null && IsCodeLike(argument) && TextFolding.Fold(head) == w) return (word, argument);
                }
            }
        }
        return null;
    }

    private static bool IsCodeLike(string argument) =>
        argument.Length is >= 4 and <= 64 && argument.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && argument.Any(char.IsAsciiDigit);

    private static StepDefinition? Current(ConversationState state, FlowSet flows) =>
        state.Flow is { } f && flows.Flows.TryGetValue(f, out var flow) && state.Step is { } s && flow.Steps.TryGetValue(s, out var step) ? step : null;

    private StepDefinition? Current(ConversationState state) => Current(state, flows);

    private void Start(TurnContext ctx, IFlowHost host, string flowId, Inbound input)
    {
        var flow = flows.Flows[flowId];
        if (flow.MembersOnly && ctx.MemberId is null)
        {
            ctx.State.Reset();
            StrangerWelcome(ctx);
            return;
        }
        ctx.State.Flow = flowId;
        ctx.State.FlowStartedAt = ctx.Now;
        Run(ctx, host, flow, flow.Start);
    }

    /// <summary>A stranger's language is unknown: the refusal is given in French and English.</summary>
    private void StrangerWelcome(TurnContext ctx)
    {
        var fr = locales["fr"].Get("welcome.need_code");
        var en = locales["en"].Get("welcome.need_code");
        ctx.Add(new Reply(ctx.State.Language is "fr" or "en" && ctx.State.Language != "fr" ? en : fr + "\n\n" + en));
    }

    private void Answer(TurnContext ctx, IFlowHost host, StepDefinition step)
    {
        var flow = flows.Flows[ctx.State.Flow!];
        var choices = ChoicesOf(ctx, host, step);
        IReadOnlyList<string>? values = null;

        if (choices.Count > 0)
        {
            if (step.Multi)
            {
                var picked = ChoiceMatcher.MatchMany(ctx, choices, ctx.Input.Text);
                if (picked.Count > 0)
                {
                    var setName = step.Set ?? "_multi";
                    var done = picked.Any(c => c.Value == "done");
                    foreach (var c in picked.Where(c => c.Value != "done")) ctx.State.Add(setName, c.Value);
                    var selected = ctx.State.GetAll(setName);
                    if (!done || selected.Count == 0)
                    {
                        var labels = string.Join(LocalNumbers.ListSeparator(ctx.State.Language), choices.Where(c => selected.Contains(c.Value)).Select(c => c.Label));
                        if (selected.Count == 0) ctx.Say(step.Invalid ?? "error.choose");
                        else ctx.Say("multi.selected", new Dictionary<string, string> { ["selected"] = labels });
                        ctx.Add(new Reply(ctx.Text(step.Ask!), choices));
                        return;
                    }
                    values = selected.ToList();
                }
            }
            else if (ChoiceMatcher.Match(ctx, choices, ctx.Input.Text) is { } choice)
            {
                values = [choice.Value];
            }
        }

        if (values is null && step.Input is { } parser)
        {
            var result = Parse(parser, ctx, host);
            if (result.Ok) values = result.Values;
            else
            {
                ctx.Say(result.InvalidKey ?? step.Invalid ?? "error.invalid", result.InvalidArgs);
                ctx.Add(new Reply(ctx.Text(step.Ask!), choices));
                return;
            }
        }

        if (values is null)
        {
            ctx.Say(step.Invalid ?? "error.choose");
            ctx.Add(new Reply(ctx.Text(step.Ask!), choices));
            return;
        }

        if (step.Set is { } name) ctx.State.SetAll(name, values);
        ctx.Answer = values;
        string? outcome = values.Count > 0 ? values[0] : null;
        if (step.Action is { } action)
        {
            outcome = host.Run(action, ctx);
            if (outcome == "retry")
            {
                ctx.Add(new Reply(ctx.Text(step.Ask!), ChoicesOf(ctx, host, step)));
                return;
            }
        }
        Continue(ctx, host, flow, step, outcome);
    }

    private ParseResult Parse(string parser, TurnContext ctx, IFlowHost host)
    {
        var text = ctx.Input.Text;
        return parser switch
        {
            "text" => text.Length > 0 ? ParseResult.Success(text) : ParseResult.Fail(),
            "optional-text" => ParseResult.Success(text),
            _ => host.Parse(parser, ctx),
        };
    }

    private void Continue(TurnContext ctx, IFlowHost host, FlowDefinition flow, StepDefinition step, string? outcome)
    {
        if (step.End) { ctx.State.Reset(); return; }
        var target = outcome is not null && step.Cases is not null && step.Cases.TryGetValue(outcome, out var routed) ? routed : step.Next;
        if (target is null)
        {
            // An outcome the flow did not foresee: end quietly rather than strand her in a step that never answers.
            ctx.State.Reset();
            return;
        }
        Go(ctx, host, flow, target);
    }

    private void Go(TurnContext ctx, IFlowHost host, FlowDefinition flow, string target)
    {
        if (target.StartsWith('@'))
        {
            // "@flow" starts another flow; "@flow/step" enters it at a given step.
            var parts = target[1..].Split('/', 2);
            var next = flows.Flows[parts[0]];
            if (next.MembersOnly && ctx.MemberId is null) { ctx.State.Reset(); StrangerWelcome(ctx); return; }
            if (ctx.State.Flow != next.Id) ctx.State.FlowStartedAt = ctx.Now;
            ctx.State.Flow = next.Id;
            Run(ctx, host, next, parts.Length > 1 ? parts[1] : next.Start);
        }
        else Run(ctx, host, flow, target);
    }

    private void Run(TurnContext ctx, IFlowHost host, FlowDefinition flow, string stepId)
    {
        if (++ctx.StepsRun > _options.StepLimit) throw new FlowLoopException();
        var step = flow.Steps[stepId];
        ctx.State.Step = stepId;
        if (step.Say is { } say) ctx.Say(say);
        if (step.Ask is not null)
        {
            ctx.Add(new Reply(ctx.Text(step.Ask!), ChoicesOf(ctx, host, step)));
            return;
        }
        string? outcome = null;
        if (step.Action is { } action)
        {
            ctx.Answer = [];
            outcome = host.Run(action, ctx);
        }
        if (ctx.State.Flow != flow.Id && ctx.State.Flow is not null)
        {
            // The action moved the conversation to another flow (e.g. erase finished the member): stop here.
            return;
        }
        Continue(ctx, host, flow, step, outcome);
    }

    private IReadOnlyList<Choice> ChoicesOf(TurnContext ctx, IFlowHost host, StepDefinition step)
    {
        var list = new List<Choice>();
        if (step.ChoicesFrom is { } source) list.AddRange(host.Choices(source, ctx));
        foreach (var c in step.Choices ?? []) list.Add(new Choice(ctx.Text(c.Label), c.Value));
        return list;
    }

    private sealed class FlowLoopException : Exception;

    internal static StepDefinition? CurrentStep(ConversationState state, FlowSet flows) => Current(state, flows);
}
