using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Staff.Pages.Profiles;

/// <summary>Search by POST so that the identifier typed never lands in a URL, a history or a server log.</summary>
public sealed class ProfilesIndexModel(Moderation moderation, PartialSearch partial, IdentifierParser parser) : StaffPage
{
    public string? Query { get; private set; }
    public bool Searched { get; private set; }
    public IReadOnlyList<ProfileDoc> Found { get; private set; } = [];
    public string? PartialError { get; private set; }
    public FragmentKind PartialKind { get; private set; } = FragmentKind.Phone;

    public void OnGet() { }

    public void OnPost(string? q)
    {
        Query = q;
        Searched = true;
        Found = string.IsNullOrWhiteSpace(q) ? [] : moderation.Search(q);
        Record("profile.search");
    }

    /// <summary>Partial search: staff only (this page is), rate-limited per login, audited with the kind searched and never the text.</summary>
    public void OnPostPartial(FragmentKind kind, string? fragment, string? category, string? departement)
    {
        PartialKind = kind;
        var query = PartialSearch.QueryFragment(kind, fragment ?? "", parser);
        var cat = Domain.ReportCategories.All.Contains(category ?? "") ? category : null;
        var dep = Domain.Departements.All.Contains(departement?.Trim().ToUpperInvariant() ?? "") ? departement!.Trim().ToUpperInvariant() : null;
        var (outcome, found) = partial.Find(Who, query, cat, dep);
        switch (outcome)
        {
            case PartialSearch.Outcome.Invalid: PartialError = "partial.invalid"; return;
            case PartialSearch.Outcome.Limited:
                Record("profile.partial-search.limited", kind.ToString().ToLowerInvariant());
                PartialError = "partial.limited";
                return;
        }
        Searched = true;
        Found = found;
        Record("profile.partial-search", kind.ToString().ToLowerInvariant());
    }
}
