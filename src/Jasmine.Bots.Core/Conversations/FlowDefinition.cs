namespace Jasmine.Bots.Conversations;

/// <summary>A flow as written in <c>conversations/*.yaml</c>: named steps, each saying, asking or acting.</summary>
public sealed class FlowDefinition
{
    public string Id { get; set; } = "";
    public string Start { get; set; } = "";
    /// <summary>Only members may run it (everything but join).</summary>
    public bool MembersOnly { get; set; } = true;
    public Dictionary<string, StepDefinition> Steps { get; set; } = [];
}

public sealed class StepDefinition
{
    /// <summary>Text key sent when the step runs; the flow goes on without waiting.</summary>
    public string? Say { get; set; }
    /// <summary>Text key of a question; the flow waits for the answer.</summary>
    public string? Ask { get; set; }
    /// <summary>How the answer is read: a built-in (text, optional-text, choice) or a host parser (identifiers, date, place…).</summary>
    public string? Input { get; set; }
    /// <summary>Fixed choices offered with the question.</summary>
    public List<ChoiceDefinition>? Choices { get; set; }
    /// <summary>Choices computed by the host (languages, candidate towns…).</summary>
    public string? ChoicesFrom { get; set; }
    /// <summary>Several choices may be picked, one tap at a time, until the "done" choice.</summary>
    public bool Multi { get; set; }
    /// <summary>Variable that receives the answer (choice value or parsed value).</summary>
    public string? Set { get; set; }
    /// <summary>Text key sent when the answer cannot be read, before asking again.</summary>
    public string? Invalid { get; set; }
    /// <summary>Host action run when the step is reached (or after the answer, for asks).</summary>
    public string? Action { get; set; }
    /// <summary>Where to go: a step id, or <c>@flow</c> to start another flow.</summary>
    public string? Next { get; set; }
    /// <summary>Routes by answer value or action outcome; falls back to <see cref="Next"/>.</summary>
    public Dictionary<string, string>? Cases { get; set; }
    /// <summary>The flow ends here (after saying, if it says).</summary>
    public bool End { get; set; }
}

public sealed class ChoiceDefinition
{
    public string Value { get; set; } = "";
    public string Label { get; set; } = "";
}
