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

    public void Reset()
    {
        Flow = null;
        Step = null;
        FlowStartedAt = null;
        Vars.Clear();
    }
}
