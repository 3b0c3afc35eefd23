using Jasmine.Bots.Localization;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Jasmine.Bots.Conversations;

/// <summary>Global words and commands that work anywhere in any flow, in any language.</summary>
public sealed class GlobalWord
{
    /// <summary>Text key holding the words, '|' separated, in each language.</summary>
    public string Words { get; set; } = "";
    /// <summary>Slash commands (Telegram) meaning the same.</summary>
    public List<string> Commands { get; set; } = [];
    public string Flow { get; set; } = "";
    /// <summary>When set, the word must be followed by one argument stored in this variable (JOIN CODE).</summary>
    public string? Argument { get; set; }
    /// <summary>
    /// Still a command while a free-text question is open. Only the ways out (cancel, menu, wipe, erase) are: any
    /// other word typed there is her answer ("santé", "info", "report" are ordinary words in a story).
    /// </summary>
    public bool DuringText { get; set; }
    /// <summary>In the middle of a draft (a report), ask "keep it for later, or discard it?" before running (MENU, CANCEL).</summary>
    public bool KeepOrDiscard { get; set; }
    /// <summary>The word inside a longer message ("I want to report a guy") starts the flow where no free text is expected.</summary>
    public bool Intent { get; set; }
}

/// <summary>A number (e-mail, plate…) sent where a flow asks something else is screened on top, then she is back.</summary>
public sealed class ScreenOnTop
{
    public string Flow { get; set; } = "home";
    /// <summary>The host parser that recognises something to screen.</summary>
    public string Parser { get; set; } = "identifiers";
    /// <summary>Inputs where a number is the answer, or part of her own words: never screened there.</summary>
    public List<string> Except { get; set; } = [];
}

public sealed class GlobalsDefinition
{
    /// <summary>Flow that receives free text when no flow is waiting for an answer.</summary>
    public string Default { get; set; } = "home";
    /// <summary>The flow run when she chooses to cancel in one of the engine's own questions (resume, keep or discard).</summary>
    public string Cancel { get; set; } = "cancel";
    public ScreenOnTop? Screen { get; set; }
    public List<GlobalWord> Globals { get; set; } = [];
    /// <summary>Text key of the cries for help ("au secours", "помогите"…): answered with the emergency numbers, never with the usage help.</summary>
    public string? Distress { get; set; }
    /// <summary>Parsers whose question expects her own words: there a global word is an answer, not a command.</summary>
    public List<string> FreeText { get; set; } = [];
}

/// <summary>Every flow of <c>conversations/</c>, loaded and checked together: a broken flow stops the start-up.</summary>
public sealed class FlowSet
{
    public IReadOnlyDictionary<string, FlowDefinition> Flows { get; }
    public GlobalsDefinition Globals { get; }

    public FlowSet(IEnumerable<FlowDefinition> flows, GlobalsDefinition globals)
    {
        Flows = flows.ToDictionary(f => f.Id, StringComparer.Ordinal);
        Globals = globals;
    }

    public static FlowSet Load(string directory)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        var flows = new List<FlowDefinition>();
        GlobalsDefinition? globals = null;
        foreach (var path in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var yaml = File.ReadAllText(path);
            try
            {
                if (Path.GetFileName(path) == "globals.yaml") globals = deserializer.Deserialize<GlobalsDefinition>(yaml);
                else
                {
                    var flow = deserializer.Deserialize<FlowDefinition>(yaml);
                    if (string.IsNullOrEmpty(flow.Id)) flow.Id = Path.GetFileNameWithoutExtension(path);
                    flows.Add(flow);
                }
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                throw new InvalidOperationException($"{Path.GetFileName(path)}: {e.Message}", e);
            }
        }
        return new FlowSet(flows, globals ?? throw new InvalidOperationException($"{directory}/globals.yaml is missing."));
    }

    /// <summary>Unknown step or flow, unknown action or parser, missing text, dead end: each is a clear error.</summary>
    public IReadOnlyList<string> Validate(Locales locales, IFlowHost host)
    {
        var problems = new List<string>();
        var baseTexts = locales[Locales.BaseLanguage];
        void Text(string where, string? key)
        {
            if (key is not null && !baseTexts.Has(key)) problems.Add($"{where}: text '{key}' is not in locales/{Locales.BaseLanguage}.yaml");
        }
        void Target(string where, FlowDefinition flow, string target)
        {
            if (target == "@draft") return; // back to the draft she kept for later (built in)
            if (target.StartsWith('@'))
            {
                var parts = target[1..].Split('/', 2);
                if (!Flows.TryGetValue(parts[0], out var other)) problems.Add($"{where}: unknown flow '{target}'");
                else if (parts.Length > 1 && !other.Steps.ContainsKey(parts[1])) problems.Add($"{where}: unknown step '{target}'");
            }
            else if (!flow.Steps.ContainsKey(target)) problems.Add($"{where}: unknown step '{target}'");
        }

        if (!Flows.ContainsKey(Globals.Default)) problems.Add($"globals: default flow '{Globals.Default}' does not exist");
        if (!Flows.ContainsKey(Globals.Cancel)) problems.Add($"globals: cancel flow '{Globals.Cancel}' does not exist");
        if (Globals.Screen is { } screen)
        {
            if (!Flows.ContainsKey(screen.Flow)) problems.Add($"globals: screen flow '{screen.Flow}' does not exist");
            if (!BuiltInParsers.Contains(screen.Parser) && !host.Parsers.Contains(screen.Parser)) problems.Add($"globals: unknown screen parser '{screen.Parser}'");
        }
        foreach (var g in Globals.Globals)
        {
            Text("globals", g.Words);
            if (!Flows.ContainsKey(g.Flow)) problems.Add($"globals: unknown flow '{g.Flow}'");
        }
        foreach (var flow in Flows.Values)
        {
            if (!flow.Steps.ContainsKey(flow.Start)) problems.Add($"{flow.Id}: start step '{flow.Start}' does not exist");
            if (flow.Version < 1) problems.Add($"{flow.Id}: no version (add 'version: 1'; raise it when steps are renamed or removed)");
            foreach (var (old, now) in flow.Migrate ?? []) if (!flow.Steps.ContainsKey(now)) problems.Add($"{flow.Id}: migrate '{old}' to unknown step '{now}'");
            if (flow.Review is { } review && !flow.Steps.ContainsKey(review)) problems.Add($"{flow.Id}: review step '{review}' does not exist");
            foreach (var section in flow.Sections ?? []) if (!flow.Steps.ContainsKey(section)) problems.Add($"{flow.Id}: section '{section}' does not exist");
            if (flow.Steps.Values.Any(st => st.Revise) && flow.Review is null) problems.Add($"{flow.Id}: a 'revise' step needs the flow's 'review' step");
            foreach (var (id, step) in flow.Steps)
            {
                var where = $"{flow.Id}.{id}";
                Text(where, step.Say);
                Text(where, step.Ask);
                Text(where, step.Invalid);
                foreach (var c in step.Choices ?? []) Text(where, c.Label);
                if (step.Action is not null && !host.Actions.Contains(step.Action)) problems.Add($"{where}: unknown action '{step.Action}'");
                if (step.Input is not null && !BuiltInParsers.Contains(step.Input) && !host.Parsers.Contains(step.Input)) problems.Add($"{where}: unknown input '{step.Input}'");
                if (step.ChoicesFrom is not null && !host.ChoiceSources.Contains(step.ChoicesFrom)) problems.Add($"{where}: unknown choices_from '{step.ChoicesFrom}'");
                if (step.Ask is not null && step.Input is null && step.Choices is null && step.ChoicesFrom is null) problems.Add($"{where}: asks without input or choices");
                if (step.Multi && (step.Choices is null || !step.Choices.Any(c => c.Value == "done"))) problems.Add($"{where}: a multi choice needs a 'done' choice");
                if (step.Next is not null) Target(where, flow, step.Next);
                foreach (var target in step.Cases?.Values ?? Enumerable.Empty<string>()) Target(where, flow, target);
                if (!step.End && step.Next is null && (step.Cases is null || step.Cases.Count == 0))
                    problems.Add($"{where}: dead end (no next, no cases, not an end)");
                if (step.Ask is null && step.Action is null && step.Say is null) problems.Add($"{where}: does nothing");
                if (step.Append && (step.Ask is null || step.Choices is null || !step.Choices.Any(c => c.Value == "done"))) problems.Add($"{where}: an appending step needs a 'done' choice");
                if (step.Action is not null && host.OutcomesOf(step.Action) is { } outcomes) Contract(where, step, outcomes, problems);
            }
        }
        return problems;
    }

    /// <summary>
    /// An action's declared outcomes against the step's routing: a case that can never happen, or an outcome with no
    /// case and no next, is a mistake in the flow (a woman stranded in a step that never answers).
    /// </summary>
    private static void Contract(string where, StepDefinition step, IReadOnlyCollection<string> outcomes, List<string> problems)
    {
        var passesAnswer = outcomes.Contains(FlowOutcomes.AnswerOutcome);
        var answers = (step.Choices ?? []).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var key in step.Cases?.Keys ?? Enumerable.Empty<string>())
            if (!outcomes.Contains(key) && !(passesAnswer && (answers.Contains(key) || step.ChoicesFrom is not null)))
                problems.Add($"{where}: case '{key}' can never happen (the action's outcomes: {string.Join(", ", outcomes)})");
        if (step.End || step.Next is not null) return;
        foreach (var outcome in outcomes.Where(o => o != FlowOutcomes.AnswerOutcome))
            if (step.Cases?.ContainsKey(outcome) != true) problems.Add($"{where}: outcome '{outcome}' has no case and the step has no next");
    }

    // "anything" takes whatever comes, like optional-text, but is not her own words: global words still work there.
    public static readonly IReadOnlySet<string> BuiltInParsers = new HashSet<string> { "text", "optional-text", "anything" };
}
