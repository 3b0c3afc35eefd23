using System.Security.Cryptography;
using System.Text.Json;
using Jasmine.Bots.Conversations;

namespace Jasmine.Bots.Storage;

public sealed class NoticeDoc
{
    public string Id { get; set; } = "";
    /// <summary>Keyed hash of the address the notice went to.</summary>
    public string Conversation { get; set; } = "";
    public byte[] ContentEnc { get; set; } = [];
    public DateTime CreatedAt { get; set; }
}

internal sealed record NoticeContent(string Text, List<Choice> Choices);

/// <summary>
/// The details of a discreet notice, kept until she asks to see them: encrypted, and found by a keyed hash of the
/// address it went to. Callers hand in and get back clear replies.
/// </summary>
public sealed class NoticeStore(JasmineStore store)
{
    // The purposes are part of the stored data: changing one loses every notice waiting to be shown.
    private const string Purpose = "notice";
    private const string ConversationPurpose = "notice.conversation";
    private IDocs<NoticeDoc> Notices => store.Collection<NoticeDoc>("notices");

    private string ConversationKey(string urn) => store.Protector.Hash(ConversationPurpose, urn);

    /// <summary>Keeps the details for <paramref name="urn"/>; the token she taps to see them.</summary>
    public string Keep(string urn, Reply content, DateTime now)
    {
        var token = RandomNumberGenerator.GetHexString(12, lowercase: true);
        Notices.Insert(new NoticeDoc
        {
            Id = token,
            Conversation = ConversationKey(urn),
            ContentEnc = store.Protector.ProtectBytes(Purpose, JsonSerializer.SerializeToUtf8Bytes(new NoticeContent(content.Text, content.Choices.ToList()))),
            CreatedAt = now,
        });
        return token;
    }

    /// <summary>The notice with this token (only if it went to <paramref name="urn"/>), or all of hers, oldest first; each is forgotten once taken.</summary>
    public IReadOnlyList<Reply> Take(string urn, string? token)
    {
        var conversation = ConversationKey(urn);
        var docs = token is not null
            ? [.. new[] { Notices.FindById(token) }.OfType<NoticeDoc>()]
            : Notices.Find(n => n.Conversation == conversation).OrderBy(n => n.CreatedAt).ToList();
        var replies = new List<Reply>();
        foreach (var doc in docs.Where(d => d.Conversation == conversation))
        {
            var content = JsonSerializer.Deserialize<NoticeContent>(store.Protector.UnprotectBytes(Purpose, doc.ContentEnc))!;
            Notices.Delete(doc.Id);
            replies.Add(new Reply(content.Text, content.Choices));
        }
        return replies;
    }

    public bool HasPending(string urn)
    {
        var conversation = ConversationKey(urn);
        return Notices.Exists(n => n.Conversation == conversation);
    }

    public bool HasPendingSince(string urn, DateTime since)
    {
        var conversation = ConversationKey(urn);
        return Notices.Exists(n => n.Conversation == conversation && n.CreatedAt >= since);
    }

    public int DeleteOlderThan(DateTime cutoff) => Notices.DeleteMany(n => n.CreatedAt < cutoff);
}
