namespace Jasmine.Bots.Staff.Pages.Members;

public sealed class MembersIndexModel(MemberAdmin members) : StaffPage
{
    public IReadOnlyList<MemberRow> Rows { get; private set; } = [];

    public void OnGet()
    {
        Rows = members.List();
        Record("members.list");
    }
}
