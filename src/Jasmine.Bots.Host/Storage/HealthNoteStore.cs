using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Help;

// In the storage folder with the other stores; its namespace stays the feature's, where its callers find it.

/// <summary>A note for the doctor she asked to keep: encrypted, bound to her member id, one per member.</summary>
public sealed class HealthNoteDoc
{
    /// <summary>Keyed hash of the member id: the collection does not say whose notes it holds.</summary>
    public string Id { get; set; } = "";
    public string NoteEnc { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// Health notes are kept only when she says so. The purpose binds each to its member, so a note copied to another
/// row does not decrypt; erasing her data deletes it (<see cref="Delete"/> is called from the erase flow).
/// </summary>
public sealed class HealthNoteStore(JasmineStore store)
{
    public const string Collection = "health_notes";
    private const string Purpose = "health-note";

    private IDocs<HealthNoteDoc> Notes => store.Collection<HealthNoteDoc>(Collection);

    private string Key(string memberId) => store.Protector.Hash(Purpose, memberId);

    public void Keep(string memberId, string note, DateTime now) =>
        Notes.Upsert(new HealthNoteDoc { Id = Key(memberId), NoteEnc = store.Protector.Protect($"{Purpose}/{memberId}", note), CreatedAt = now });

    public (string Note, DateTime CreatedAt)? Find(string memberId) =>
        Notes.FindById(Key(memberId)) is { } doc ? (store.Protector.Unprotect($"{Purpose}/{memberId}", doc.NoteEnc), doc.CreatedAt) : null;

    public bool Delete(string memberId) => Notes.Delete(Key(memberId));
}
