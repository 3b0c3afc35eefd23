using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Staff;

/// <summary>
/// Who did what to which object, and when. Only codes go in: a staff login, an action name, an object reference
/// (report R-XXXX, case reference, profile or member id, service id). Never an identifier, a phone number or free text.
/// </summary>
public sealed class AuditEntry
{
    public string Id { get; set; } = DocIds.New();
    public DateTime At { get; set; }
    public string Who { get; set; } = "";
    public string Action { get; set; } = "";
    public string? Object { get; set; }
}

public sealed class AuditLog(JasmineStore store, TimeProvider time)
{
    public IDocs<AuditEntry> Entries => store.Collection<AuditEntry>("audit");

    public void Write(string who, string action, string? objectRef = null) =>
        Entries.Insert(new AuditEntry { At = time.GetUtcNow().UtcDateTime, Who = who, Action = action, Object = objectRef });

    public IReadOnlyList<AuditEntry> Latest(int count) => Entries.Find(null, e => e.At, descending: true, limit: count);
}
