namespace Jasmine.Bots.Conversations;

/// <summary>A flow as written in <c>conversations/*.yaml</c>: named steps, each saying, asking or acting.</summary>
public sealed class FlowDefinition
{
    public string Id { get; set; } = "";
    /// <summary>Raised whenever steps are renamed or removed; a state saved under another version is moved to the nearest step.</summary>
    public int Version { get; set; }
    public string Start { get; set; } = "";
    /// <summary>
    /// Her answers in this flow are worth keeping (a report, the health questionnaire): interruptions run on top and
    /// come back, and MENU or CANCEL first ask whether to keep it for later or discard it.
    /// </summary>
    public bool Draft { get; set; }
    /// <summary>
    /// When this flow ends on top of another, the other is kept as a draft (offered back from the menu) instead of
    /// asked again at once: after WIPE nothing new may appear on her screen.
    /// </summary>
    public bool Parks { get; set; }
    /// <summary>Old step id → step of this version, for states saved under an older version.</summary>
    public Dictionary<string, string>? Migrate { get; set; }
    /// <summary>The step a "change a section" answer comes back to (the summary), instead of walking the rest again.</summary>
    public string? Review { get; set; }
    /// <summary>The first step of each section, in order: reaching another section while revising one goes back to <see cref="Review"/>.</summary>
    public List<string>? Sections { get; set; }
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
    /// <summary>When this flow runs on top of another (an interruption), it returns here, after saying, instead of going on.</summary>
    public bool Returns { get; set; }
    /// <summary>Free text that may come in several messages, gathered until the "done" choice.</summary>
    public bool Append { get; set; }
    /// <summary>The answer picks a section to change; the flow comes back to its <see cref="FlowDefinition.Review"/> step after it.</summary>
    public bool Revise { get; set; }
}

public sealed class ChoiceDefinition
{
    public string Value { get; set; } = "";
    public string Label { get; set; } = "";
    /// <summary>"draft": offered only when a kept draft exists; "no-draft": only when none does.</summary>
    public string? When { get; set; }
}
