using System.Text;
using System.Text.Json;

namespace Jasmine.Bots.Channels.Signal;

/// <summary>
/// A text a person sent directly to our Signal account. <paramref name="SourceUuid"/> (her ACI) is what identifies her;
/// <paramref name="SourceNumber"/> is there only when Signal shows it (phone number privacy hides it by default).
/// <paramref name="EditOf"/> is set when this is an edit of an earlier message: the timestamp of that message.
/// </summary>
public sealed record SignalInbound(string? SourceNumber, string? SourceUuid, long Timestamp, string Text, long? EditOf = null)
{
    /// <summary>Who sent it, the way sends must address her: the uuid when known, else the number.</summary>
    public string Source => SourceUuid ?? SourceNumber ?? "";
}

/// <summary>Someone whose message signal-cli could not read because her safety number changed.</summary>
public sealed record SignalIdentityChange(string? SourceNumber, string? SourceUuid)
{
    public string Source => SourceUuid ?? SourceNumber ?? "";
}

/// <summary>What one receive gave: the texts, and counts (by kind only) of what was left aside.</summary>
public sealed class SignalBatch
{
    public List<SignalInbound> Messages { get; } = [];
    /// <summary>Senders whose message failed with an untrusted identity (UntrustedIdentityException items).</summary>
    public List<SignalIdentityChange> IdentityChanges { get; } = [];
    /// <summary>Stretches of the body that were not JSON (signal-cli's stack traces merged into the array).</summary>
    public int Unreadable { get; set; }
    /// <summary>Items carrying signal-cli's <c>exception</c>, by exception type (the message is never kept).</summary>
    public Dictionary<string, int> Exceptions { get; } = new(StringComparer.Ordinal);
    /// <summary>Valid items that are not direct texts (receipts, typing, groups, sync…), by kind.</summary>
    public Dictionary<string, int> Skipped { get; } = new(StringComparer.Ordinal);
    public int Items { get; set; }

    internal void Skip(string kind) => Skipped[kind] = Skipped.GetValueOrDefault(kind) + 1;
}

/// <summary>Turns the body of <c>GET /v1/receive/{number}</c> (normal/native mode) into direct user texts.</summary>
/// <remarks>
/// The API builds that body by joining signal-cli's output lines with commas inside brackets (src/client/client.go,
/// <c>Receive</c>), after dropping the lines that start with INFO or WARN (src/client/cli.go). Any other line that
/// signal-cli prints — a stack trace, an error — lands inside the array and makes it invalid JSON, while the messages
/// around it are already acknowledged on Signal's servers. So the body is read item by item: every JSON object is
/// kept, whatever lies between them is counted and skipped.
/// </remarks>
public static class SignalEnvelopes
{
    /// <summary>The direct texts of a receive body (see <see cref="ParseBatch"/>); never throws.</summary>
    public static IReadOnlyList<SignalInbound> Parse(string json, string ourNumber) => ParseBatch(json, ourNumber).Messages;

    /// <summary>
    /// Keeps only one-to-one texts (and edits of them) from someone else, known by uuid or number. Receipts, typing
    /// indicators, sync messages (our other devices), group messages, reactions, attachments without text are skipped
    /// and counted; what is not JSON is counted as unreadable; items with an <c>exception</c> are counted by type.
    /// </summary>
    public static SignalBatch ParseBatch(string json, string ourNumber)
    {
        ArgumentNullException.ThrowIfNull(json);
        var batch = new SignalBatch();
        var bytes = Encoding.UTF8.GetBytes(json);
        // Fast path: a valid array (the usual case).
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in document.RootElement.EnumerateArray()) Read(item, ourNumber, batch);
            }
            else
            {
                batch.Unreadable++;
            }
            return batch;
        }
        catch (JsonException)
        {
            // Some line in the array is not JSON: read it object by object below.
        }

        ReadTolerantly(bytes, ourNumber, batch);
        return batch;
    }

    /// <summary>Reads every top-level <c>{…}</c> that parses; each stretch of anything else counts as one unreadable item.</summary>
    private static void ReadTolerantly(byte[] bytes, string ourNumber, SignalBatch batch)
    {
        var span = bytes.AsSpan();
        var position = 0;
        // Skip the opening bracket the API adds.
        while (position < span.Length && (span[position] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')) position++;
        if (position < span.Length && span[position] == (byte)'[') position++;
        var inGarbage = false;
        while (position < span.Length)
        {
            var b = span[position];
            if (b is (byte)',' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)']')
            {
                position++;
                continue;
            }
            if (b == (byte)'{' && TryReadObject(span[position..], out var consumed, out var element))
            {
                inGarbage = false;
                Read(element, ourNumber, batch);
                position += consumed;
                continue;
            }
            // Not an object, or a broken one: skip to the next comma that could start an item (", {" at a line join).
            if (!inGarbage)
            {
                batch.Unreadable++;
                inGarbage = true;
            }
            var next = span[(position + 1)..].IndexOf(",{"u8);
            position = next < 0 ? span.Length : position + 1 + next + 1;
        }
    }

    private static bool TryReadObject(ReadOnlySpan<byte> span, out int consumed, out JsonElement element)
    {
        consumed = 0;
        element = default;
        try
        {
            var reader = new Utf8JsonReader(span, new JsonReaderOptions { AllowMultipleValues = true });
            using var document = JsonDocument.ParseValue(ref reader);
            consumed = (int)reader.BytesConsumed;
            element = document.RootElement.Clone();
            return element.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal static bool IsE164(string? value)
    {
        // ITU-T E.164: at most 15 digits, country codes never start with 0.
        if (value is null || value.Length is < 8 or > 16 || value[0] != '+' || value[1] == '0')
        {
            return false;
        }
        foreach (var c in value.AsSpan(1))
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>An ACI as signal-cli prints it: a UUID in its canonical lower-case 8-4-4-4-12 form.</summary>
    internal static bool IsUuid(string? value) =>
        value is { Length: 36 } && Guid.TryParseExact(value, "D", out _);

    private static void Read(JsonElement item, string ourNumber, SignalBatch batch)
    {
        batch.Items++;
        if (item.ValueKind != JsonValueKind.Object)
        {
            batch.Skip("not-an-object");
            return;
        }
        TryGetObject(item, "envelope", out var envelope);
        if (TryGetObject(item, "exception", out var exception))
        {
            // Only the type: the message can quote a number or a uuid.
            var type = GetString(exception, "type") is { Length: > 0 and <= 80 } t && t.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '$') ? t : "unknown";
            batch.Exceptions[type] = batch.Exceptions.GetValueOrDefault(type) + 1;
            if (type.Contains("UntrustedIdentity", StringComparison.Ordinal) && envelope.ValueKind == JsonValueKind.Object
                && Sender(envelope, ourNumber) is { } who)
            {
                batch.IdentityChanges.Add(new SignalIdentityChange(who.Number, who.Uuid));
            }
            if (envelope.ValueKind != JsonValueKind.Object || !IsPresent(envelope, "dataMessage") && !IsPresent(envelope, "editMessage")) return;
        }
        if (envelope.ValueKind != JsonValueKind.Object)
        {
            batch.Skip("no-envelope");
            return;
        }
        if (IsPresent(envelope, "receiptMessage")) { batch.Skip("receipt"); return; }
        if (IsPresent(envelope, "typingMessage")) { batch.Skip("typing"); return; }
        if (IsPresent(envelope, "syncMessage")) { batch.Skip("sync"); return; }
        if (IsPresent(envelope, "storyMessage")) { batch.Skip("story"); return; }
        if (IsPresent(envelope, "callMessage")) { batch.Skip("call"); return; }

        long? editOf = null;
        JsonElement data;
        if (TryGetObject(envelope, "editMessage", out var edit))
        {
            // signal-cli: {"editMessage":{"targetSentTimestamp":…,"dataMessage":{…the new version…}}}
            if (GetInt64(edit, "targetSentTimestamp") is not > 0 || !TryGetObject(edit, "dataMessage", out data))
            {
                batch.Skip("edit-malformed");
                return;
            }
            editOf = GetInt64(edit, "targetSentTimestamp");
        }
        else if (!TryGetObject(envelope, "dataMessage", out data))
        {
            batch.Skip("other");
            return;
        }
        if (IsPresent(data, "groupInfo") || IsPresent(data, "groupV2"))
        {
            batch.Skip("group");
            return;
        }

        var text = WithQuoteAndContacts(GetString(data, "message"), data, ourNumber);
        if (string.IsNullOrEmpty(text))
        {
            batch.Skip("no-text");
            return;
        }

        var timestamp = GetInt64(envelope, "timestamp") ?? GetInt64(data, "timestamp");
        if (timestamp is not > 0)
        {
            batch.Skip("no-timestamp");
            return;
        }

        if (Sender(envelope, ourNumber) is not { } sender)
        {
            batch.Skip("no-sender");
            return;
        }
        batch.Messages.Add(new SignalInbound(sender.Number, sender.Uuid, timestamp.Value, text, editOf));
    }

    /// <summary>
    /// What she quoted (his message, answered with "is he OK?") and the numbers and e-mails of contacts she shared
    /// (signal-cli "sharedContacts": phone[].value, email[].value) are screened with her text. A contact's name is
    /// never read.
    /// </summary>
    private static string? WithQuoteAndContacts(string? text, JsonElement data, string ourNumber)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(text)) parts.Add(text);
        // A reply to one of the bot's own questions quotes it: that quote is not hers to screen, and would spoil her answer.
        // Only a quote whose author's number shows and is not ours (a quote known only by uuid could be the bot's).
        if (TryGetObject(data, "quote", out var quote) && GetString(quote, "text") is { Length: > 0 } quoted
            && GetString(quote, "authorNumber") is { } author && author != ourNumber)
            parts.Add(quoted);
        if (data.TryGetProperty("sharedContacts", out var contacts) && contacts.ValueKind == JsonValueKind.Array)
            foreach (var contact in contacts.EnumerateArray().Take(10))
                foreach (var field in new[] { "phone", "email" })
                    if (contact.ValueKind == JsonValueKind.Object && contact.TryGetProperty(field, out var list) && list.ValueKind == JsonValueKind.Array)
                        foreach (var item in list.EnumerateArray().Take(10))
                            if (item.ValueKind == JsonValueKind.Object && GetString(item, "value") is { Length: > 0 } value) parts.Add(value);
        return parts.Count == 0 ? text : string.Join('\n', parts);
    }

    /// <summary>
    /// Her uuid (sourceUuid, or the legacy "source" when it holds one) and her number when Signal shows it. With
    /// phone number privacy sourceNumber is null and "source" is the uuid. Ourselves (a note to self) is nobody.
    /// </summary>
    private static (string? Number, string? Uuid)? Sender(JsonElement envelope, string ourNumber)
    {
        var source = GetString(envelope, "source");
        var number = GetString(envelope, "sourceNumber");
        if (string.IsNullOrEmpty(number) && IsE164(source)) number = source;
        if (!IsE164(number)) number = null;
        var uuid = GetString(envelope, "sourceUuid");
        if (!IsUuid(uuid)) uuid = IsUuid(source) ? source : null;
        uuid = uuid?.ToLowerInvariant();
        if (number is null && uuid is null) return null;
        if (number is not null && string.Equals(number, ourNumber, StringComparison.Ordinal)) return null;
        return (number, uuid);
    }

    private static bool TryGetObject(JsonElement parent, string name, out JsonElement value)
    {
        if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Object) return true;
        value = default;
        return false;
    }

    private static bool IsPresent(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static string? GetString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? GetInt64(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? n
            : null;
}
