using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Staff.Pages.Profiles;

/// <summary>Search by POST so that the identifier typed never lands in a URL, a history or a server log.</summary>
public sealed class ProfilesIndexModel(Moderation moderation) : StaffPage
{
    public string? Query { get; private set; }
    public bool Searched { get; private set; }
    public IReadOnlyList<ProfileDoc> Found { get; private set; } = [];

    public void OnGet() { }

    public void OnPost(string? q)
    {
        Query = q;
        Searched = true;
        Found = string.IsNullOrWhiteSpace(q) ? [] : moderation.Search(q);
        Record("profile.search");
    }
}
