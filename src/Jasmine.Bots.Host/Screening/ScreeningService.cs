using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Members;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Screening;

/// <summary>What a look-up found. <see cref="Classification"/> is null when nothing is known.</summary>
public sealed record ScreeningResult(Identifier Identifier, Classification? Classification, IReadOnlyList<string> Categories, DateTime? LastReportAt)
{
    /// <summary>Unknown here, but very dangerous in this partner's list (federation, docs/federation.md).</summary>
    public Federation.PartnerOptions? ReportedByPartner { get; init; }
}

public sealed class ScreeningService(JasmineStore store, ProfileService profiles, ScreeningIndex index, ScreeningAllowance allowance, MemberService members, TimeProvider time, Federation.FederationClient? federation = null)
{
    /// <summary>Identifiers screened from one message at most: a pasted list is not a way around the hourly allowance.</summary>
    public const int MaxPerMessage = 10;

    /// <summary>Counts look-ups against her own hourly allowance and her referral branch's; false when either is used up.</summary>
    public bool TryConsume(string memberId, int count)
    {
        var member = members.Find(memberId);
        var branch = member is null ? memberId : members.BranchOf(member);
        return allowance.TryConsume(memberId, branch, count, time.GetUtcNow().UtcDateTime);
    }

    public ScreeningResult Screen(Identifier identifier)
    {
        var hash = profiles.HashOf(identifier);
        ProfileSummary? summary = index.TryGet(hash, out var s) ? s : null;

        if (summary is not { } found || found.Classification == Classification.NotSignaled)
            return Federated(identifier) ?? new ScreeningResult(identifier, null, [], null);
        if (found.Classification is Classification.VeryDangerous or Classification.Risky or Classification.Annoying)
            store.Increment($"matches:{time.GetUtcNow():yyyy-MM}");
        return new ScreeningResult(identifier, found.Classification, found.Categories, found.LastReportAt);
    }

    /// <summary>Unknown here: partners are asked, blinded (they never see what she screened).</summary>
    private ScreeningResult? Federated(Identifier identifier)
    {
        if (federation?.Lookup(identifier) is not { } partner) return null;
        store.Increment($"federated.matches:{time.GetUtcNow():yyyy-MM}");
        return new ScreeningResult(identifier, null, [], null) { ReportedByPartner = partner };
    }
}
