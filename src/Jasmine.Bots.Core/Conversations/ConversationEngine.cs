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
    /// <summary>Longest text kept from one message; she is told when more was sent.</summary>
    public int MaxTextLength { get; init; } = 10_000;
    /// <summary>Interruptions on top of each other kept at most (a loop of HELP must not grow the state forever).</summary>
    public int StackLimit { get; init; } = 4;
}

/// <summary>
/// The pure conversation engine: (flows, state, input) → (new state, replies). It never touches storage or a
/// channel; whatever a step needs from the world goes through <see cref="IFlowHost"/>. It knows no flow by name:
/// what a flow is (a draft worth keeping, where it comes back to) is written in the flow itself.
/// </summary>
public sealed class ConversationEngine(FlowSet flows, Locales locales, EngineOptions? options = null)
{
    private const string ResumeFlag = "_resume";
    private const string PendingFlag = "_pending";
    private const string PendingArgument = "_pending_arg";
    private const string RevisingFlag = "_revising";
    private const string AppendPrefix = "_append:";
    private readonly EngineOptions _options = options ?? new EngineOptions();

    public FlowSet Flows => flows;
    public Locales Locales => locales;

    public IReadOnlyList<Reply> Handle(ConversationState state, Inbound input, IFlowHost host, string? memberId, string address, DateTimeOffset now) =>
        Run(state, input, host, memberId, address, now).Replies;

    /// <summary>One turn; also tells who is speaking at its end (a join creates a member, an erase removes one).</summary>
    public EngineResult Run(ConversationState state, Inbound input, IFlowHost host, string? memberId, string address, DateTimeOffset now)
    {
        var (text, cut) = Clean(input.Text);
        var ctx = new TurnContext(state, locales, input with { Text = text }, now) { MemberId = memberId, Address = address };
        try
        {
            // Never silently: what was kept of a very long message is said first.
            if (cut) ctx.Say("text.cut", new Dictionary<string, string> { ["kept"] = _options.MaxTextLength.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            Turn(ctx, host);
        }
        catch (FlowLoopException)
        {
            state.Clear();
            ctx.Say("error.generic");
        }
        state.UpdatedAt = now;
        if (ctx.Replies.Count == 0 || (cut && ctx.Replies.Count == 1)) ctx.Say("help.short");
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

    private (string Text, bool Cut) Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return ("", false);
        var cut = _options.MaxTextLength;
        var tooLong = text.Length > cut && cut > 0;
        // Never cut between the two halves of an emoji: a lone surrogate makes string.Normalize (TextFolding) throw.
        if (tooLong && char.IsHighSurrogate(text[cut - 1])) cut--;
        var chars = tooLong ? text[..cut] : text;
        // Control characters other than line breaks carry nothing a person meant to say.
        return (new string(chars.Where(c => !char.IsControl(c) || c is '\n').ToArray()).Trim(), tooLong);
    }

    private void Turn(TurnContext ctx, IFlowHost host)
    {
        var state = ctx.State;
        var input = ctx.Input;

        if (state.InFlow && ctx.Now - state.UpdatedAt > _options.DiscardAfter)
        {
            state.Clear();
            ctx.Say("resume.expired");
        }
        Migrate(ctx, host);

        if (state.Get(PendingFlag) is { } pending)
        {
            if (HandleKeepOrDiscard(ctx, host, pending)) return;
        }

        switch (Cry(input.Text))
        {
            case CryForHelp.Whole:
                Distress(ctx, host);
                return;
            case CryForHelp.Within:
                // "au secours il est devant chez moi": the numbers first, then the message is read as usual
                // (a number in it is still screened, an answer is still an answer).
                ctx.Say("distress.text");
                break;
        }

        if (MatchGlobal(input.Text, ExpectsFreeText(ctx)) is { } global)
        {
            RunGlobal(ctx, host, global.Word, global.Argument);
            return;
        }

        if (state.InFlow && state.Get(ResumeFlag) is not null)
        {
            HandleResumeAnswer(ctx, host);
            return;
        }

        if (state.InFlow && ctx.Now - state.UpdatedAt > _options.ResumePromptAfter && Current(state) is { Ask: not null } idle)
        {
            // A number sent after a gap is a look-up, not an answer to the resume question: screen it, then offer.
            if (ScreenOnTopFits(ctx, host, idle))
            {
                Interrupt(ctx, host, flows.Globals.Screen!.Flow, resumeOffer: true);
                return;
            }
            AskResume(ctx);
            return;
        }

        if (state.InFlow && Current(state) is { Ask: not null } waiting)
        {
            Answer(ctx, host, waiting);
            return;
        }

        state.Reset();
        if (state.Stack.Count > 0 && ctx.Input.Text.Length == 0) { Return(ctx, host); return; }
        // "I want to report a guy", outside any flow.
        if (MatchIntent(input.Text) is { } wanted) { RunGlobal(ctx, host, wanted, null); return; }
        Start(ctx, host, flows.Globals.Default, input);
    }

    private void AskResume(TurnContext ctx)
    {
        ctx.State.Set(ResumeFlag, "1");
        ctx.Say("resume.ask", null, [ctx.Choice("resume.continue", "continue"), ctx.Choice("resume.restart", "restart"), ctx.Choice("choice.cancel", "cancel")]);
    }

    /// <summary>A state saved under an older version of its flow goes on at the same step, or the nearest one; never reset silently.</summary>
    private void Migrate(TurnContext ctx, IFlowHost host)
    {
        var state = ctx.State;
        if (!state.InFlow) return;
        if (!flows.Flows.TryGetValue(state.Flow!, out var flow))
        {
            // A flow that no longer exists: start again from where she can choose.
            state.Reset();
            return;
        }
        if (state.FlowVersion == flow.Version && state.Step is { } s && flow.Steps.ContainsKey(s)) return;
        var step = state.Step is { } old && flow.Steps.ContainsKey(old) ? old
            : state.Step is { } moved && flow.Migrate?.TryGetValue(moved, out var to) == true ? to
            : flow.Start;
        if (state.FlowVersion != 0 && step != state.Step) ctx.Say("flow.updated");
        state.FlowVersion = flow.Version;
        if (step != state.Step)
        {
            var target = flow.Steps[step];
            state.Step = step;
            // A step that does not wait is run now, so that she is never left at a step that never answers.
            if (target.Ask is null) Run(ctx, host, flow, step);
        }
    }

    private void RunGlobal(TurnContext ctx, IFlowHost host, GlobalWord word, string? argument)
    {
        var state = ctx.State;
        if (state.InFlow && IsDraft(state) && Current(state) is { Ask: not null } waiting)
        {
            if (word.KeepOrDiscard)
            {
                // Only an explicit choice discards what she has written.
                state.Set(PendingFlag, word.Flow);
                if (argument is not null) state.Set(PendingArgument, argument);
                state.Remove(ResumeFlag);
                ctx.Say("draft.ask", null, [ctx.Choice("draft.keep", "keep"), ctx.Choice("draft.discard", "discard"), ctx.Choice("draft.continue", "continue")]);
                return;
            }
            if (word.Flow == state.Flow)
            {
                // "REPORT" in the middle of her report: she already is where she wants to be.
                Remind(ctx, host, waiting);
                return;
            }
            Interrupt(ctx, host, word.Flow, argument is null ? null : (word.Argument!, argument));
            return;
        }
        state.Reset();
        if (word.Argument is { } argName && argument is not null) state.Set(argName, argument);
        Start(ctx, host, word.Flow, ctx.Input);
    }

    /// <summary>"Keep it for later" parks the draft (the menu offers it back); "discard" drops it; "continue" goes back to it.</summary>
    private bool HandleKeepOrDiscard(TurnContext ctx, IFlowHost host, string pending)
    {
        var state = ctx.State;
        var picked = ChoiceMatcher.Match(ctx, [new Choice(ctx.Text("draft.keep"), "keep"), new Choice(ctx.Text("draft.discard"), "discard"), new Choice(ctx.Text("draft.continue"), "continue")], ctx.Input.Text);
        var argument = state.Get(PendingArgument);
        state.Remove(PendingFlag);
        state.Remove(PendingArgument);
        switch (picked?.Value)
        {
            case "keep":
                state.Keep(state.Frame());
                state.Reset();
                ctx.Say("draft.kept");
                StartPending(ctx, host, pending, argument);
                return true;
            case "discard":
                state.Reset();
                ctx.Say("draft.discarded");
                StartPending(ctx, host, pending, argument);
                return true;
            case "continue":
                if (Current(state) is { Ask: not null } waiting) Remind(ctx, host, waiting);
                return true;
            default:
                // Not an answer to that question: nothing is lost, the message is handled as usual.
                return false;
        }
    }

    private void StartPending(TurnContext ctx, IFlowHost host, string flow, string? argument)
    {
        if (argument is not null && flows.Globals.Globals.FirstOrDefault(g => g.Flow == flow && g.Argument is not null) is { Argument: { } name }) ctx.State.Set(name, argument);
        Start(ctx, host, flow, ctx.Input);
    }

    private bool IsDraft(ConversationState state) => state.Flow is { } f && flows.Flows.TryGetValue(f, out var flow) && flow.Draft;

    /// <summary>Puts the current flow aside and runs another on top; when that one ends, she is brought back.</summary>
    private void Interrupt(TurnContext ctx, IFlowHost host, string flowId, (string Name, string Value)? argument = null, bool resumeOffer = false)
    {
        var state = ctx.State;
        state.Remove(ResumeFlag);
        if (resumeOffer) state.Set(ResumeFlag, "1");
        state.Stack.Add(state.Frame());
        if (state.Stack.Count > _options.StackLimit) state.Stack.RemoveAt(0);
        state.Reset();
        if (argument is { } a) state.Set(a.Name, a.Value);
        Start(ctx, host, flowId, ctx.Input);
    }

    /// <summary>Back to the flow that was interrupted, at the same step, with a one-line reminder that her answers are kept.</summary>
    private void Return(TurnContext ctx, IFlowHost host)
    {
        var state = ctx.State;
        var frame = state.Stack[^1];
        state.Stack.RemoveAt(state.Stack.Count - 1);
        state.Restore(frame);
        Migrate(ctx, host);
        if (!state.InFlow) return;
        if (state.Get(ResumeFlag) is not null)
        {
            state.Remove(ResumeFlag);
            AskResume(ctx);
            return;
        }
        if (Current(state) is { Ask: not null } waiting) Remind(ctx, host, waiting);
    }

    private void Remind(TurnContext ctx, IFlowHost host, StepDefinition waiting)
    {
        ctx.Say("flow.back");
        ctx.Add(new Reply(ctx.Text(waiting.Ask!), ChoicesOf(ctx, host, waiting)));
    }

    /// <summary>The current flow is done: back to what it interrupted, if anything (or, after a flow that parks it, kept as a draft).</summary>
    private void EndFlow(TurnContext ctx, IFlowHost host, FlowDefinition? ending = null)
    {
        ctx.State.Reset();
        if (ctx.State.Stack.Count == 0) return;
        if (ending?.Parks == true)
        {
            // After WIPE nothing new may appear on her screen: the report waits, offered back from the menu.
            ctx.State.Keep(ctx.State.Stack[^1]);
            ctx.State.Stack.RemoveAt(ctx.State.Stack.Count - 1);
            return;
        }
        Return(ctx, host);
    }

    private void HandleResumeAnswer(TurnContext ctx, IFlowHost host)
    {
        var state = ctx.State;
        var choices = new[] { new Choice(ctx.Text("resume.continue"), "continue"), new Choice(ctx.Text("resume.restart"), "restart"), new Choice(ctx.Text("choice.cancel"), "cancel") };
        var picked = ChoiceMatcher.Match(ctx, choices, ctx.Input.Text);
        if (picked is null && Current(state) is { Ask: not null } asked && ScreenOnTopFits(ctx, host, asked))
        {
            // A number instead of an answer: screened, and the question comes back after the result.
            Interrupt(ctx, host, flows.Globals.Screen!.Flow, resumeOffer: true);
            return;
        }
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
                Start(ctx, host, flows.Globals.Cancel, ctx.Input);
                break;
            default:
                // Not an answer to the resume question: treat it as the answer to the waiting step.
                if (Current(state) is { Ask: not null } waiting) Answer(ctx, host, waiting);
                else { state.Reset(); Start(ctx, host, flows.Globals.Default, ctx.Input); }
                break;
        }
    }

    private enum CryForHelp { None, Whole, Within }

    /// <summary>
    /// A cry for help ("au secours", "ajută-mă", "救命", folded, in any language): the whole message, or within a short
    /// one (at most eight words), as whole words, or anywhere for scripts written without spaces.
    /// </summary>
    private CryForHelp Cry(string text)
    {
        if (flows.Globals.Distress is not { } key || text.Length == 0 || text.Length > 120) return CryForHelp.None;
        var folded = TextFolding.Fold(text);
        if (folded.Length == 0) return CryForHelp.None;
        var phrases = locales.All.SelectMany(l => l.Keywords(key)).ToList();
        if (phrases.Contains(folded)) return CryForHelp.Whole;
        if (folded.Count(c => c == ' ') >= 8) return CryForHelp.None;
        var spaced = " " + folded + " ";
        return phrases.Any(p => WrittenWithoutSpaces(p) ? folded.Contains(p, StringComparison.Ordinal) : spaced.Contains(" " + p + " ", StringComparison.Ordinal))
            ? CryForHelp.Within : CryForHelp.None;
    }

    // CJK punctuation and ideographs, Hangul, compatibility ideographs.
    private static bool WrittenWithoutSpaces(string phrase) =>
        phrase.Any(c => c is >= '\u3000' and <= '\u9FFF' or >= '\uAC00' and <= '\uD7AF' or >= '\uF900' and <= '\uFAFF');

    /// <summary>
    /// Emergency numbers and the on-call team first, whatever she was doing; then, in a flow, where she was is kept:
    /// a free-text question takes her words as its answer (a message to the team must not be swallowed), any other
    /// question is asked again. Outside a flow the usage help follows.
    /// </summary>
    private void Distress(TurnContext ctx, IFlowHost host)
    {
        ctx.Say("distress.text");
        var state = ctx.State;
        if (state.InFlow && Current(state) is { Ask: not null } waiting)
        {
            state.Remove(ResumeFlag);
            if (IsFreeText(waiting)) { Answer(ctx, host, waiting); return; }
            ctx.Say("distress.kept");
            ctx.Add(new Reply(ctx.Text(waiting.Ask), ChoicesOf(ctx, host, waiting)));
            return;
        }
        ctx.Say("help.text");
    }

    private bool IsFreeText(StepDefinition step) => step.Input is { } parser && IsFreeText(parser);

    private bool IsFreeText(string parser) => flows.Globals.FreeText.Contains(parser);

    // A question waiting for her own words, and recent enough that her message will be read as its answer.
    private bool ExpectsFreeText(TurnContext ctx) =>
        ctx.State.InFlow && ctx.State.Get(ResumeFlag) is null && ctx.State.Get(PendingFlag) is null && ctx.Now - ctx.State.UpdatedAt <= _options.ResumePromptAfter
        && Current(ctx.State) is { Ask: not null } step && IsFreeText(step);

    private (GlobalWord Word, string? Argument)? MatchGlobal(string text, bool freeText)
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
            // While she is writing her own words, a word like "santé" or "report" is part of her answer.
            if (freeText && !word.DuringText) continue;
            foreach (var locale in locales.All)
            {
                foreach (var w in locale.Keywords(word.Words))
                {
                    if (word.Argument is null && folded == w) return (word, null);
                    // The argument must look like a code (one token, letters and digits): "code postal 13001" is not a join.
                    if (word.Argument is not null && argument is not null && IsCodeLike(argument) && TextFolding.Fold(head) == w) return (word, argument);
                    // Chinese (and any script written without spaces) glues the code to the word: "加入K7Q2M9XD4P".
                    if (word.Argument is not null && argument is null && !w.Any(char.IsAsciiLetterOrDigit) && head.StartsWith(w, StringComparison.Ordinal)
                        && head[w.Length..] is { Length: > 0 } glued && IsCodeLike(glued))
                        return (word, glued);
                }
            }
        }
        return null;
    }

    /// <summary>"I want to report a guy", "je veux signaler": a flow's word inside a sentence, where no free text is expected.</summary>
    private GlobalWord? MatchIntent(string text)
    {
        // A number, a plate or an e-mail is something to screen, not a sentence asking for a flow.
        if (text.Length is 0 or > 200 || text.Count(char.IsDigit) >= 4 || text.Contains('@')) return null;
        var folded = " " + string.Join(' ', TextFolding.Fold(text).Split(WordBreaks, StringSplitOptions.RemoveEmptyEntries)) + " ";
        foreach (var word in flows.Globals.Globals.Where(g => g.Intent && g.Argument is null))
            foreach (var locale in new[] { locales[Locales.BaseLanguage] }.Concat(locales.All))
                foreach (var w in locale.Keywords(word.Words))
                    if (w.Length >= 3 && folded.Contains(" " + w + " ", StringComparison.Ordinal)) return word;
        return null;
    }

    private static readonly char[] WordBreaks = [' ', ',', '.', '!', '?', ';', ':', '\n', '\t', '"', '\'', '’', '(', ')', '¿', '¡', '،', '。', '，', '！', '？'];

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
        ctx.State.FlowVersion = flow.Version;
        Run(ctx, host, flow, flow.Start);
    }

    /// <summary>A stranger's language is unknown: the refusal is given in French and English.</summary>
    private void StrangerWelcome(TurnContext ctx)
    {
        var fr = locales["fr"].Get("welcome.need_code");
        var en = locales["en"].Get("welcome.need_code");
        ctx.Add(new Reply(ctx.State.Language is "fr" or "en" && ctx.State.Language != "fr" ? en : fr + "\n\n" + en));
    }

    /// <summary>Something to screen (a number, an e-mail, a plate) sent where the question is about something else.</summary>
    private bool ScreenOnTopFits(TurnContext ctx, IFlowHost host, StepDefinition step)
    {
        if (flows.Globals.Screen is not { } screen || ctx.MemberId is null || ctx.Input.Text.Length is 0 or > 200) return false;
        if (step.Input is { } input && screen.Except.Contains(input)) return false;
        if (step.Append) return false;
        if (ChoicesOf(ctx, host, step) is { Count: > 0 } choices && ChoiceMatcher.Match(ctx, choices, ctx.Input.Text) is not null) return false;
        return host.Parse(screen.Parser, ctx).Ok;
    }

    private void Answer(TurnContext ctx, IFlowHost host, StepDefinition step)
    {
        var flow = flows.Flows[ctx.State.Flow!];
        var choices = ChoicesOf(ctx, host, step);
        IReadOnlyList<string>? values = null;

        if (ScreenOnTopFits(ctx, host, step))
        {
            Interrupt(ctx, host, flows.Globals.Screen!.Flow);
            return;
        }

        if (step.Append)
        {
            AnswerAppending(ctx, host, flow, step, choices);
            return;
        }

        if (choices.Count > 0)
        {
            if (step.Multi)
            {
                if (!AnswerMulti(ctx, host, step, choices, out values)) return;
            }
            else if ((ChoiceMatcher.Match(ctx, choices, ctx.Input.Text) ?? (step.Input is null ? MatchLoose(ctx, step, choices) : null)) is { } choice)
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
                if (!IsFreeText(parser) && choices.Count > 0 && MatchLoose(ctx, step, choices) is { } loose) values = [loose.Value];
                else
                {
                    if (!IsFreeText(parser) && !IsDraft(ctx.State) && MatchIntent(ctx.Input.Text) is { } intent) { RunGlobal(ctx, host, intent, null); return; }
                    ctx.Say(result.InvalidKey ?? step.Invalid ?? "error.invalid", result.InvalidArgs);
                    ctx.Add(new Reply(ctx.Text(step.Ask!), choices));
                    return;
                }
            }
        }

        if (values is null)
        {
            // In a draft (her report) a stray word starts nothing: she is asked again, her answers safe.
            if (!IsDraft(ctx.State) && MatchIntent(ctx.Input.Text) is { } intent) { RunGlobal(ctx, host, intent, null); return; }
            ctx.Say(step.Invalid ?? "error.choose");
            ctx.Add(new Reply(ctx.Text(step.Ask!), choices));
            return;
        }

        Complete(ctx, host, flow, step, values);
    }

    private void Complete(TurnContext ctx, IFlowHost host, FlowDefinition flow, StepDefinition step, IReadOnlyList<string> values)
    {
        if (step.Set is { } name) ctx.State.SetAll(name, values);
        ctx.Answer = values;
        string? outcome = values.Count > 0 ? values[0] : null;
        if (step.Action is { } action) outcome = host.Run(action, ctx);
        if (step.Revise) ctx.State.Set(RevisingFlag, "");
        Continue(ctx, host, flow, step, outcome);
    }


    /// <summary>One tap ticks, a second tap unticks; "done" goes on only with something ticked.</summary>
    private bool AnswerMulti(TurnContext ctx, IFlowHost host, StepDefinition step, IReadOnlyList<Choice> choices, out IReadOnlyList<string>? values)
    {
        values = null;
        var picked = ChoiceMatcher.MatchMany(ctx, choices, ctx.Input.Text);
        if (picked.Count == 0 && MatchLoose(ctx, step, choices) is { } loose) picked = [loose];
        if (picked.Count == 0) return true; // falls through to the parser or "choose one"
        var setName = step.Set ?? "_multi";
        var done = picked.Any(c => c.Value == "done");
        var selected = ctx.State.GetAll(setName).ToList();
        foreach (var c in picked.Where(c => c.Value != "done"))
        {
            if (selected.Contains(c.Value)) selected.Remove(c.Value);
            else selected.Add(c.Value);
        }
        ctx.State.SetAll(setName, selected);
        if (done && selected.Count > 0)
        {
            values = selected;
            return true;
        }
        var labels = string.Join(LocalNumbers.ListSeparator(ctx.State.Language), choices.Where(c => selected.Contains(c.Value)).Select(c => c.Label));
        if (selected.Count == 0) ctx.Say(done ? "multi.need_one" : "multi.none_left");
        else ctx.Say("multi.selected", new Dictionary<string, string> { ["selected"] = labels });
        ctx.Add(new Reply(ctx.Text(step.Ask!), choices));
        return false;
    }

    /// <summary>Her story may come in several messages: each is added, and "done" (or another choice) goes on.</summary>
    private void AnswerAppending(TurnContext ctx, IFlowHost host, FlowDefinition flow, StepDefinition step, IReadOnlyList<Choice> choices)
    {
        var key = AppendPrefix + ctx.State.Step;
        var gathered = ctx.State.GetAll(key);
        var choice = ChoiceMatcher.Match(ctx, choices, ctx.Input.Text);
        if (choice is null && ctx.Input.Text.Length > 0)
        {
            ctx.State.SetAll(key, gathered.Append(ctx.Input.Text));
            ctx.Say("story.added", new Dictionary<string, string> { ["count"] = (gathered.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) }, choices);
            return;
        }
        if (choice is null)
        {
            ctx.Add(new Reply(ctx.Text(step.Ask!), choices));
            return;
        }
        ctx.State.Remove(key);
        IReadOnlyList<string> values = choice.Value == "done" && gathered.Count > 0 ? [string.Join("\n", gathered)] : [choice.Value == "done" ? "skip" : choice.Value];
        Complete(ctx, host, flow, step, values);
    }

    /// <summary>
    /// A word or phrase of one option's label, in her language, French or English ("report" for "Report a client"):
    /// picked when it belongs to that option alone.
    /// </summary>
    private Choice? MatchLoose(TurnContext ctx, StepDefinition step, IReadOnlyList<Choice> choices)
    {
        var text = TextFolding.Fold(ctx.Input.Text);
        if (text.Length < 3 || text.Length > 200) return null;
        var words = text.Split(WordBreaks, StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 3).ToHashSet(StringComparer.Ordinal);
        if (words.Count == 0) return null;
        var labelWords = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var c in choices)
        {
            var all = new List<string> { c.Label };
            if (step.Choices?.FirstOrDefault(d => d.Value == c.Value) is { } def)
                foreach (var lang in new[] { ctx.State.Language, "fr", "en" }.Distinct())
                    if (locales.IsSupported(lang) && locales[lang].Has(def.Label)) all.Add(locales[lang].Get(def.Label));
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var label in all)
            {
                var folded = TextFolding.Fold(label);
                if (folded.Length >= 3 && (" " + text + " ").Contains(" " + folded + " ", StringComparison.Ordinal)) return c; // the whole label in her sentence
                foreach (var w in folded.Split(WordBreaks, StringSplitOptions.RemoveEmptyEntries)) if (w.Length >= 4) set.Add(w);
            }
            labelWords[c.Value] = set;
        }
        Choice? found = null;
        foreach (var c in choices)
        {
            var own = labelWords[c.Value].Where(w => labelWords.Where(p => p.Key != c.Value).All(p => !p.Value.Contains(w)));
            if (!own.Any(words.Contains)) continue;
            if (found is not null) return null; // two options named: not for us to guess
            found = c;
        }
        return found;
    }

    private ParseResult Parse(string parser, TurnContext ctx, IFlowHost host)
    {
        var text = ctx.Input.Text;
        return parser switch
        {
            "text" => text.Length > 0 ? ParseResult.Success(text) : ParseResult.Fail(),
            "optional-text" or "anything" => ParseResult.Success(text),
            _ => host.Parse(parser, ctx),
        };
    }

    private void Continue(TurnContext ctx, IFlowHost host, FlowDefinition flow, StepDefinition step, string? outcome)
    {
        if (step.End) { EndFlow(ctx, host, flow); return; }
        var target = outcome is not null && step.Cases is not null && step.Cases.TryGetValue(outcome, out var routed) ? routed : step.Next;
        if (target is null)
        {
            // An outcome the flow did not foresee (the contracts check this at load): end rather than strand her.
            EndFlow(ctx, host, flow);
            return;
        }
        Go(ctx, host, flow, target);
    }

    private void Go(TurnContext ctx, IFlowHost host, FlowDefinition flow, string target)
    {
        if (target == "@draft")
        {
            // Back to the draft she kept for later.
            if (ctx.State.TakeDraft() is { } draft)
            {
                ctx.State.Restore(draft);
                Migrate(ctx, host);
                if (Current(ctx.State) is { Ask: not null } waiting) Remind(ctx, host, waiting);
            }
            else EndFlow(ctx, host);
            return;
        }
        if (target.StartsWith('@'))
        {
            // "@flow" starts another flow; "@flow/step" enters it at a given step.
            var parts = target[1..].Split('/', 2);
            var next = flows.Flows[parts[0]];
            if (next.MembersOnly && ctx.MemberId is null) { ctx.State.Reset(); StrangerWelcome(ctx); return; }
            if (ctx.State.Flow != next.Id)
            {
                ctx.State.FlowStartedAt = ctx.Now;
                ctx.State.FlowVersion = next.Version;
                ctx.State.Remove(RevisingFlag);
            }
            ctx.State.Flow = next.Id;
            Run(ctx, host, next, parts.Length > 1 ? parts[1] : next.Start);
            return;
        }
        // Revising one section from the summary: reaching another section (or the summary) goes back to the summary.
        if (flow.Review is { } review && ctx.State.Get(RevisingFlag) is { } revising)
        {
            var isSection = flow.Sections?.Contains(target) == true;
            if (target == review || (isSection && revising.Length > 0 && revising != target))
            {
                ctx.State.Remove(RevisingFlag);
                target = review;
            }
            else if (isSection && revising.Length == 0) ctx.State.Set(RevisingFlag, target);
        }
        Run(ctx, host, flow, target);
    }

    private void Run(TurnContext ctx, IFlowHost host, FlowDefinition flow, string stepId)
    {
        if (++ctx.StepsRun > _options.StepLimit) throw new FlowLoopException();
        var step = flow.Steps[stepId];
        ctx.State.Step = stepId;
        if (step.Say is { } say) ctx.Say(say);
        if (step.Returns && ctx.State.Stack.Count > 0)
        {
            EndFlow(ctx, host, flow);
            return;
        }
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
            // The action moved the conversation to another flow: stop here.
            return;
        }
        Continue(ctx, host, flow, step, outcome);
    }

    private IReadOnlyList<Choice> ChoicesOf(TurnContext ctx, IFlowHost host, StepDefinition step)
    {
        var list = new List<Choice>();
        if (step.ChoicesFrom is { } source) list.AddRange(host.Choices(source, ctx));
        foreach (var c in step.Choices ?? [])
        {
            if (c.When == "draft" && ctx.State.Draft is null) continue;
            if (c.When == "no-draft" && ctx.State.Draft is not null) continue;
            list.Add(new Choice(ctx.Text(c.Label), c.Value));
        }
        return list;
    }

    private sealed class FlowLoopException : Exception;

    internal static StepDefinition? CurrentStep(ConversationState state, FlowSet flows) => Current(state, flows);
}
