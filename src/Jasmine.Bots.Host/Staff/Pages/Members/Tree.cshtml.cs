namespace Jasmine.Bots.Staff.Pages.Members;

public sealed class TreeModel(MemberAdmin members) : StaffPage
{
    public IReadOnlyList<(MemberRow Row, int Depth)> Rows { get; private set; } = [];

    public void OnGet()
    {
        Rows = members.Tree();
        Record("members.tree");
    }
}
