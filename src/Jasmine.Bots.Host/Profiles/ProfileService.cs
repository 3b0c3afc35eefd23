using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Profiles;

/// <summary>Aggressor profiles: identifiers found by keyed hash, values kept encrypted for staff.</summary>
public sealed class ProfileService(JasmineStore store, ProfileStore identifiers, Screening.ScreeningIndex index, TimeProvider time)
{
    /// <summary>Every profile write goes through here, so the screening index follows (once the write is committed).</summary>
    private void Changed(ProfileDoc profile)
    {
        var summary = Screening.ProfileSummary.Of(profile);
        foreach (var id in profile.Identifiers)
            store.IdentifierIndex.Upsert(new IdentifierIndexDoc
            {
                Id = id.Hash, ProfileId = profile.Id, Classification = summary.Classification,
                CategoryMask = summary.CategoryMask, LastReportAt = summary.LastReportAt,
            });
        var snapshot = profile;
        store.AfterCommit(() => index.Refresh(snapshot));
    }

    /// <summary>Identifiers moved away from a profile (a split or a merge) stop pointing at it.</summary>
    public void Forget(IEnumerable<ProfileIdentifier> identifiers)
    {
        var hashes = identifiers.Select(i => i.Hash).ToList();
        store.AfterCommit(() => index.Remove(hashes));
    }

    public string HashOf(Identifier id) => identifiers.HashOf(id);

    public ProfileIdentifier Protect(Identifier id) => identifiers.Protect(id);

    public Identifier Reveal(ProfileIdentifier id) => identifiers.Reveal(id);

    /// <summary>The public note staff wrote on him, or null.</summary>
    public string? Note(ProfileDoc profile) => Text.BidiControls.StripOrNull(identifiers.Note(profile));

    /// <summary>Sets the public note (blank removes it) and saves the profile.</summary>
    public void SetNote(ProfileDoc profile, string? text)
    {
        identifiers.SetNote(profile, string.IsNullOrWhiteSpace(text) ? null : text.Trim());
        Update(profile);
    }

    public ProfileDoc? Find(Identifier id) => FindByHash(HashOf(id));

    public ProfileDoc? FindByHash(string hash)
    {
        var entry = store.IdentifierIndex.FindById(hash);
        return entry is null ? null : store.Profiles.FindById(entry.ProfileId);
    }

    public ProfileDoc? Get(string profileId) => store.Profiles.FindById(profileId);

    /// <summary>The profile any of these identifiers already belongs to, else a new pending one; all of them end up indexed to it.</summary>
    public ProfileDoc Attach(IReadOnlyList<Identifier> identifiers, string? departement)
    {
        var protectedIds = identifiers.Select(Protect).ToList();
        var profile = protectedIds.Select(p => FindByHash(p.Hash)).FirstOrDefault(p => p is not null);
        var now = time.GetUtcNow().UtcDateTime;
        if (profile is null)
        {
            profile = new ProfileDoc { Id = Guid.NewGuid().ToString("N"), Classification = Classification.Pending, CreatedAt = now, Departement = departement };
            store.Profiles.Insert(profile);
        }
        foreach (var p in protectedIds)
        {
            if (store.IdentifierIndex.FindById(p.Hash) is not null) continue;
            store.IdentifierIndex.Insert(new IdentifierIndexDoc { Id = p.Hash, ProfileId = profile.Id });
            profile.Identifiers.Add(p);
        }
        profile.Departement ??= departement;
        store.Profiles.Update(profile);
        Changed(profile);
        return profile;
    }

    public void Update(ProfileDoc profile)
    {
        store.Profiles.Update(profile);
        Changed(profile);
    }

    /// <summary>Staff decision; the profile is created when staff learned of him outside the bot.</summary>
    public (ProfileDoc Profile, Classification Previous) Classify(Identifier id, Classification classification, string by)
    {
        var profile = Attach([id], null);
        var previous = profile.Classification;
        profile.Classification = classification;
        profile.History.Add(new ClassificationEvent { Classification = classification, At = time.GetUtcNow().UtcDateTime, By = by });
        Update(profile);
        return (profile, previous);
    }
}
