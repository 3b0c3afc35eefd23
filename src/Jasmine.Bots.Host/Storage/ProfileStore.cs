using Jasmine.Bots.Identifiers;

namespace Jasmine.Bots.Storage;

/// <summary>
/// The privacy of aggressor profiles: an identifier is found by its keyed hash and its value kept encrypted for
/// staff; the public note is encrypted too. Callers hand in and get back clear values.
/// </summary>
public sealed class ProfileStore(JasmineStore store)
{
    // The purposes are part of the stored data: changing one loses every identifier or note written before.
    private const string HashPurpose = "identifier";
    private const string ValuePurpose = "identifier.value";
    private const string NotePurpose = "profile.note";
    private const string FragmentPurpose = "staff.fragment";

    public string HashOf(Identifier id) => store.Protector.Hash(HashPurpose, $"{id.Kind}:{id.Value}");

    public ProfileIdentifier Protect(Identifier id) => new()
    {
        Kind = id.Kind,
        Hash = HashOf(id),
        ValueEnc = store.Protector.Protect(ValuePurpose, id.Value),
    };

    public Identifier Reveal(ProfileIdentifier id) => new(id.Kind, store.Protector.Unprotect(ValuePurpose, id.ValueEnc));

    /// <summary>The key of a fragment of an identifier in the staff's partial search: found, never kept in clear.</summary>
    public string FragmentHash(string fragment) => store.Protector.Hash(FragmentPurpose, fragment);

    /// <summary>The public note as staff wrote it, or null.</summary>
    public string? Note(ProfileDoc profile) => store.Protector.UnprotectOrNull(NotePurpose, profile.PublicNoteEnc);

    /// <summary>Sets the note on the document (null removes it); the caller saves the profile.</summary>
    public void SetNote(ProfileDoc profile, string? note) => profile.PublicNoteEnc = store.Protector.ProtectOrNull(NotePurpose, note);

    /// <summary>A merge keeps the target's note, else takes the source's.</summary>
    public static void KeepNote(ProfileDoc target, ProfileDoc source)
    {
        if (target.PublicNoteEnc is null) target.PublicNoteEnc = source.PublicNoteEnc;
    }
}
