using System.Text.Json;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Conversations;

/// <summary>One encrypted document per conversation: what she typed mid-flow is as private as a finished report.</summary>
// In the storage folder with the other stores; its namespace stays the conversations' one, where the turn pipeline finds it.
public sealed class ConversationStore(JasmineStore store)
{
    private const string Purpose = "conversation";
    private const string HeldPurpose = "signal.edit";

    private string Key(string urn) => store.Protector.Hash(Purpose, urn);

    public ConversationState? Load(string urn)
    {
        var doc = store.Conversations.FindById(Key(urn));
        if (doc is null) return null;
        var json = store.Protector.UnprotectBytes(Purpose, doc.StateEnc);
        return JsonSerializer.Deserialize<ConversationState>(json);
    }

    public void Save(string urn, ConversationState state)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(state);
        store.Conversations.Upsert(new ConversationDoc
        {
            Id = Key(urn),
            StateEnc = store.Protector.ProtectBytes(Purpose, json),
            UpdatedAt = state.UpdatedAt.UtcDateTime,
        });
    }

    public void Delete(string urn) => store.Conversations.Delete(Key(urn));

    /// <summary>Half-filled reports older than the cutoff: the state is encrypted, so each is opened to look.</summary>
    public int DeleteUnfinishedReports(DateTime cutoff)
    {
        var n = 0;
        foreach (var doc in store.Conversations.Find(c => c.UpdatedAt < cutoff).ToList())
        {
            var state = JsonSerializer.Deserialize<ConversationState>(store.Protector.UnprotectBytes(Purpose, doc.StateEnc));
            if (state?.Flow != "report") continue;
            state.Reset();
            store.Conversations.Update(new ConversationDoc { Id = doc.Id, StateEnc = store.Protector.ProtectBytes(Purpose, JsonSerializer.SerializeToUtf8Bytes(state)), UpdatedAt = doc.UpdatedAt });
            n++;
        }
        return n;
    }

    /// <summary>
    /// A state held outside the store for a while (the one before her last Signal answer, in memory, so an edit can
    /// go back to it): encrypted all the same, under a purpose of its own.
    /// </summary>
    public byte[] Seal(ConversationState state) => store.Protector.ProtectBytes(HeldPurpose, JsonSerializer.SerializeToUtf8Bytes(state));

    public ConversationState Unseal(byte[] held) => JsonSerializer.Deserialize<ConversationState>(store.Protector.UnprotectBytes(HeldPurpose, held))!;

    /// <summary>Retention: conversations idle longer than this are forgotten.</summary>
    public int DeleteIdleSince(DateTime cutoff) => store.Conversations.DeleteMany(c => c.UpdatedAt < cutoff);
}
