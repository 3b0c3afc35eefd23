using Jasmine.Bots.Domain;

namespace Jasmine.Bots.Staff.Pages.Members;

/// <summary>Codes are shown once, on the page that issued them; only their hash is stored.</summary>
public sealed class InvitesModel(MemberAdmin members) : StaffPage
{
    public IReadOnlyList<(MemberRow Row, int Left)> Organisations { get; private set; } = [];
    public IReadOnlyList<string> Codes { get; private set; } = [];
    public string? Error { get; private set; }

    public void OnGet() => Load();

    public void OnPost(MemberRole role, int count, string? onBehalfOf)
    {
        var batch = members.Issue(role, count, string.IsNullOrEmpty(onBehalfOf) ? null : onBehalfOf);
        Codes = batch.Codes;
        Error = batch.Refused;
        if (Error is null) Record($"invites.issue.{role.ToString().ToLowerInvariant()}", onBehalfOf is { Length: > 0 } org ? $"{Codes.Count} for {org}" : Codes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Load();
    }

    private void Load() => Organisations = members.Organisations().Select(o => (o, members.InvitesLeft(o.Member))).ToList();
}
