namespace Jasmine.Bots.Conversations;

/// <summary>
/// Everything the engine remembers about one conversation between turns. Loaded once at the start of a turn
/// and saved once at its end (encrypted by the store: variables hold what she typed).
/// </summary>
public sealed class ConversationState
{
    public string Language { get; set; } = "fr";
    public string? Flow { get; set; }
    public string? Step { get; set; }
    public Dictionary<string, List<string>> Vars { get; set; } = new(StringComparer.Ordinal);
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? FlowStartedAt { get; set; }
    /// <summary>The <see cref="FlowDefinition.Version"/> the current flow had when she entered it.</summary>
    public int FlowVersion { get; set; }
    /// <summary>Flows interrupted by another one (HELP, a number to screen, Show on a warning…), most recent last.</summary>
    public List<FlowFrame> Stack { get; set; } = [];
    /// <summary>Flows she kept for later (MENU or CANCEL in the middle of a report → "keep it"; a report WIPE set aside), most recent last.</summary>
    public List<FlowFrame> Drafts { get; set; } = [];

    /// <summary>The draft the menu offers back: the most recent one.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public FlowFrame? Draft => Drafts.Count > 0 ? Drafts[^1] : null;

    /// <summary>Keeps a flow for later; the same flow kept again replaces its older copy, and at most three are kept.</summary>
    public void Keep(FlowFrame frame)
    {
        Drafts.RemoveAll(d => d.Flow == frame.Flow);
        Drafts.Add(frame);
        if (Drafts.Count > 3) Drafts.RemoveAt(0);
    }

    /// <summary>Takes the most recent draft back out.</summary>
    public FlowFrame? TakeDraft()
    {
        if (Drafts.Count == 0) return null;
        var draft = Drafts[^1];
        Drafts.RemoveAt(Drafts.Count - 1);
        return draft;
    }

    public bool InFlow => Flow is not null;

    public string? Get(string name) => Vars.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;
    public IReadOnlyList<string> GetAll(string name) => Vars.TryGetValue(name, out var v) ? v : [];
    public void Set(string name, string value) => Vars[name] = [value];
    public void SetAll(string name, IEnumerable<string> values) => Vars[name] = values.ToList();
    public void Add(string name, string value)
    {
        if (!Vars.TryGetValue(name, out var list)) Vars[name] = list = [];
        if (!list.Contains(value)) list.Add(value);
    }
    public void Remove(string name) => Vars.Remove(name);

    /// <summary>Ends the current flow; what was interrupted (the stack) and a kept draft stay.</summary>
    public void Reset()
    {
        Flow = null;
        Step = null;
        FlowStartedAt = null;
        FlowVersion = 0;
        Vars.Clear();
    }

    /// <summary>Forgets everything: the current flow, what it interrupted and a kept draft (erase, expiry).</summary>
    public void Clear()
    {
        Reset();
        Stack.Clear();
        Drafts.Clear();
    }

    /// <summary>The current flow as a frame to put aside.</summary>
    public FlowFrame Frame() => new()
    {
        Flow = Flow!, Step = Step!, FlowStartedAt = FlowStartedAt, FlowVersion = FlowVersion,
        Vars = Vars.ToDictionary(p => p.Key, p => p.Value.ToList(), StringComparer.Ordinal),
    };

    public void Restore(FlowFrame frame)
    {
        Flow = frame.Flow;
        Step = frame.Step;
        FlowStartedAt = frame.FlowStartedAt;
        FlowVersion = frame.FlowVersion;
        Vars = new Dictionary<string, List<string>>(frame.Vars, StringComparer.Ordinal);
    }

    /// <summary>Drops every trace of one flow (current, interrupted or kept): retention of half-filled reports.</summary>
    public bool Forget(string flow)
    {
        var found = false;
        if (Flow == flow) { Reset(); found = true; }
        found |= Stack.RemoveAll(f => f.Flow == flow) > 0;
        found |= Drafts.RemoveAll(f => f.Flow == flow) > 0;
        return found;
    }
}

/// <summary>A flow put aside, exactly as it was: step, answers and version.</summary>
public sealed class FlowFrame
{
    public string Flow { get; set; } = "";
    public string Step { get; set; } = "";
    public DateTimeOffset? FlowStartedAt { get; set; }
    public int FlowVersion { get; set; }
    public Dictionary<string, List<string>> Vars { get; set; } = new(StringComparer.Ordinal);
}
