using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Jasmine.Bots.Storage;

/// <summary>How the PostgreSQL store writes a document into its <c>jsonb</c> column.</summary>
/// <remarks>
/// Only public properties with both a getter and a setter are stored, as LiteDB's mapper does: a computed property
/// such as <c>OutboxDoc.IsWarning</c> is not data. Enums are stored by name (LiteDB's mapper here is set to
/// <c>EnumAsInteger = false</c> too), <c>byte[]</c> as base64 (System.Text.Json's default), and dates in one
/// fixed-width UTC text so that comparing the texts in SQL compares the instants.
/// </remarks>
internal static class DocumentJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter(), new UtcDateTimeConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { ReadWriteOnly } },
    };

    /// <summary>Seven fraction digits keep every tick, so DateTime.MinValue and MaxValue come back exactly.</summary>
    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>
    /// The text a date is stored and compared as. Unspecified is taken as UTC (the house writes UTC everywhere);
    /// Local is converted.
    /// </summary>
    public static string FormatDate(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        return utc.ToString(DateFormat, CultureInfo.InvariantCulture);
    }

    private static void ReadWriteOnly(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        for (var i = info.Properties.Count - 1; i >= 0; i--)
        {
            if (info.Properties[i].Get is null || info.Properties[i].Set is null) info.Properties.RemoveAt(i);
        }
    }

    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString() ?? throw new JsonException("A date is null.");
            return DateTime.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var exact)
                ? exact
                // Written by hand or by an older writer: any ISO 8601 text, still read back as UTC.
                : DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        }

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteStringValue(FormatDate(value));
    }
}
