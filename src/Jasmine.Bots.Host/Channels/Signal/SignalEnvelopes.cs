using System.Text.Json;

namespace Jasmine.Bots.Channels.Signal;

/// <summary>A text a person sent directly to our Signal account.</summary>
public sealed record SignalInbound(string SourceNumber, string? SourceUuid, long Timestamp, string Text);

/// <summary>Turns the JSON array of <c>GET /v1/receive/{number}</c> (normal/native mode) into direct user texts.</summary>
public static class SignalEnvelopes
{
    /// <summary>
    /// Keeps only one-to-one texts from someone else. Receipts, typing indicators, sync messages (our other devices),
    /// group messages, reactions, attachments without text, and anything malformed are skipped; invalid JSON gives an
    /// empty list. Senders hiding their number (phone number privacy, only a uuid is known) are skipped too: members
    /// are identified by E.164 number across channels (and SMS fallback), so a uuid-only sender cannot be matched.
    /// </summary>
    public static IReadOnlyList<SignalInbound> Parse(string json, string ourNumber)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return [];
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            var messages = new List<SignalInbound>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (TryRead(item, ourNumber) is { } message)
                {
                    messages.Add(message);
                }
            }
            return messages;
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

    private static SignalInbound? TryRead(JsonElement item, string ourNumber)
    {
        if (item.ValueKind != JsonValueKind.Object
            || !TryGetObject(item, "envelope", out var envelope)
            || IsPresent(envelope, "receiptMessage")
            || IsPresent(envelope, "typingMessage")
            || IsPresent(envelope, "syncMessage")
            || !TryGetObject(envelope, "dataMessage", out var data)
            || IsPresent(data, "groupInfo")
            || IsPresent(data, "groupV2"))
        {
            return null;
        }

        var text = GetString(data, "message");
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var timestamp = GetInt64(envelope, "timestamp") ?? GetInt64(data, "timestamp");
        if (timestamp is not > 0)
        {
            return null;
        }

        // With phone number privacy sourceNumber is absent and the legacy "source" holds the uuid instead.
        var number = GetString(envelope, "sourceNumber");
        if (string.IsNullOrEmpty(number))
        {
            number = GetString(envelope, "source");
        }
        if (!IsE164(number) || string.Equals(number, ourNumber, StringComparison.Ordinal))
        {
            return null;
        }

        return new SignalInbound(number!, GetString(envelope, "sourceUuid"), timestamp.Value, text);
    }

    private static bool TryGetObject(JsonElement parent, string name, out JsonElement value) =>
        parent.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Object;

    private static bool IsPresent(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static string? GetString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? GetInt64(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? n
            : null;
}
