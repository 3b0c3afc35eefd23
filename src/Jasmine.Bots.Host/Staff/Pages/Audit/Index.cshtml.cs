namespace Jasmine.Bots.Staff.Pages.Audit;

public sealed class AuditModel(AuditLog audit) : StaffPage
{
    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public void OnGet() => Entries = audit.Latest(500);
}
