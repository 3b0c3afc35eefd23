using Jasmine.Bots.Localization;

namespace Jasmine.Bots.Conversations;

/// <summary>
/// What the engine asks of the world: reading answers it cannot read itself and running named actions.
/// The engine stays pure; the host decides what an action touches.
/// </summary>
public interface IFlowHost
{
    IReadOnlyCollection<string> Actions { get; }
    IReadOnlyCollection<string> Parsers { get; }
    IReadOnlyCollection<string> ChoiceSources { get; }

    /// <summary>The outcomes an action declared it can return (null: not declared); <see cref="FlowOutcomes.AnswerOutcome"/> stands for "the answer's value".</summary>
    IReadOnlyCollection<string>? OutcomesOf(string action) => null;

    ParseResult Parse(string parser, TurnContext ctx);
    string Run(string action, TurnContext ctx);
    IReadOnlyList<Choice> Choices(string source, TurnContext ctx);
}

public static class FlowOutcomes
{
    /// <summary>Declared by an action that may pass the chosen answer's value on as its outcome.</summary>
    public const string AnswerOutcome = "*answer";
}

/// <summary>A parsed answer (values to store) or the reason it could not be read.</summary>
public sealed record ParseResult(bool Ok, IReadOnlyList<string> Values, string? InvalidKey = null, IReadOnlyDictionary<string, string>? InvalidArgs = null)
{
    public static ParseResult Success(params string[] values) => new(true, values);
    public static ParseResult Success(IReadOnlyList<string> values) => new(true, values);
    public static ParseResult Fail(string? invalidKey = null, IReadOnlyDictionary<string, string>? args = null) => new(false, [], invalidKey, args);
}

/// <summary>One turn as seen by actions and parsers: who speaks, in which language, what she said.</summary>
public sealed class TurnContext(ConversationState state, Locales locales, Inbound input, DateTimeOffset now)
{
    private readonly List<Reply> _replies = [];

    public ConversationState State { get; } = state;
    public Locales Locales { get; } = locales;
    public Inbound Input { get; } = input;
    public DateTimeOffset Now { get; } = now;
    public LocaleTexts Texts => Locales[State.Language];

    /// <summary>Opaque id of the member speaking, or null for a stranger.</summary>
    public string? MemberId { get; set; }
    /// <summary>Channel address (URN) of this conversation; never persisted in clear.</summary>
    public string Address { get; init; } = "";
    /// <summary>The answer values of the step being completed, for actions attached to an ask.</summary>
    public IReadOnlyList<string> Answer { get; set; } = [];
    /// <summary>Extra placeholder values for the texts that follow in this turn.</summary>
    public Dictionary<string, string> Args { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<Reply> Replies => _replies;

    internal int StepsRun { get; set; }

    public string Text(string key, IReadOnlyDictionary<string, string>? args = null) => Locales.Format(Texts.Get(key), Merge(args));

    public void Say(string key, IReadOnlyDictionary<string, string>? args = null, IReadOnlyList<Choice>? choices = null) =>
        _replies.Add(new Reply(Text(key, args), choices ?? []));

    public void Add(Reply reply) => _replies.Add(reply);

    public Choice Choice(string labelKey, string value) => new(Text(labelKey), value);

    internal Dictionary<string, string> Merge(IReadOnlyDictionary<string, string>? args)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in State.Vars) all[k] = string.Join(", ", v);
        foreach (var (k, v) in Args) all[k] = v;
        if (args is not null) foreach (var (k, v) in args) all[k] = v;
        return all;
    }
}
