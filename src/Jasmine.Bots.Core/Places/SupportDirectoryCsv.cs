using System.Globalization;
using System.Text;

namespace Jasmine.Bots.Places;

// CSV import/export of the directory, so outreach staff can keep it in a spreadsheet. RFC 4180: comma separator,
// fields quoted with " when they hold a comma, quote or line break, quotes doubled; a header row; languages
// separated by '|'.
public sealed partial class SupportDirectory
{
    private static readonly string[] ColumnNames =
    [
        "id", "kind", "name", "address", "postcode", "town", "latitude", "longitude", "phone", "opening_hours",
        "languages", "sex_worker_friendly", "hidden",
    ];

    public static IReadOnlyList<string> CsvColumns => ColumnNames;

    /// <summary>Reads services; a bad row throws a <see cref="FormatException"/> naming its line and column.</summary>
    public static IReadOnlyList<SupportService> ReadCsv(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var records = ReadRecords(reader).GetEnumerator();
        if (!records.MoveNext()) throw new FormatException("CSV line 1: missing header row.");
        var (headerLine, header) = records.Current;
        var columns = new int[CsvColumns.Count];
        for (var c = 0; c < CsvColumns.Count; c++)
        {
            columns[c] = header.FindIndex(h => string.Equals(h.Trim(), CsvColumns[c], StringComparison.OrdinalIgnoreCase));
            if (columns[c] < 0) throw new FormatException($"CSV line {headerLine}: header lacks column \"{CsvColumns[c]}\".");
        }

        var services = new List<SupportService>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields is [""]) continue; // blank line
            string Field(string name)
            {
                var at = columns[Array.IndexOf(ColumnNames, name)];
                if (at >= fields.Count)
                    throw new FormatException($"CSV line {line}: {fields.Count} fields, column \"{name}\" is missing.");
                return fields[at].Trim();
            }
            FormatException Bad(string column, string problem) => new($"CSV line {line}, column \"{column}\": {problem}.");

            var id = Field("id");
            if (id.Length == 0) throw Bad("id", "empty");
            if (!ids.Add(id)) throw Bad("id", $"\"{id}\" is used twice");
            if (!Enum.TryParse<ServiceKind>(Field("kind"), ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
                throw Bad("kind", $"\"{Field("kind")}\" is not one of {string.Join(", ", Enum.GetNames<ServiceKind>())}");
            var name = Field("name");
            if (name.Length == 0) throw Bad("name", "empty");
            var latitude = Coordinate(Field("latitude"), 90, () => Bad("latitude", $"\"{Field("latitude")}\" is not a latitude"));
            var longitude = Coordinate(Field("longitude"), 180, () => Bad("longitude", $"\"{Field("longitude")}\" is not a longitude"));
            var hours = Field("opening_hours");
            if (!OpeningHours.TryParse(hours, out _, out var hoursError)) throw Bad("opening_hours", hoursError!);

            services.Add(new SupportService(
                Id: id,
                Kind: kind,
                Name: name,
                Address: Field("address"),
                Postcode: Field("postcode"),
                Town: Field("town"),
                Latitude: latitude,
                Longitude: longitude,
                Phone: Field("phone"),
                OpeningHours: hours,
                Languages: Field("languages").Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                SexWorkerFriendly: Boolean(Field("sex_worker_friendly"), () => Bad("sex_worker_friendly", "expected true or false")),
                Hidden: Boolean(Field("hidden"), () => Bad("hidden", "expected true or false"))));
        }
        return services;
    }

    public static void WriteCsv(TextWriter writer, IEnumerable<SupportService> services)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(services);
        WriteRow(writer, CsvColumns);
        foreach (var s in services)
        {
            WriteRow(writer,
            [
                s.Id, s.Kind.ToString(), s.Name, s.Address, s.Postcode, s.Town,
                s.Latitude.ToString("R", CultureInfo.InvariantCulture), s.Longitude.ToString("R", CultureInfo.InvariantCulture),
                s.Phone, s.OpeningHours, string.Join('|', s.Languages),
                s.SexWorkerFriendly ? "true" : "false", s.Hidden ? "true" : "false",
            ]);
        }
    }

    private static void WriteRow(TextWriter writer, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) writer.Write(',');
            var field = fields[i];
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0) writer.Write('"' + field.Replace("\"", "\"\"") + '"');
            else writer.Write(field);
        }
        writer.Write("\r\n");
    }

    private static double Coordinate(string text, double limit, Func<FormatException> error) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && Math.Abs(value) <= limit
            ? value
            : throw error();

    private static bool Boolean(string text, Func<FormatException> error) => text.ToLowerInvariant() switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" or "" => false,
        _ => throw error(),
    };

    /// <summary>Records with the physical line each starts on (quoted fields may span lines).</summary>
    private static IEnumerable<(int Line, List<string> Fields)> ReadRecords(TextReader reader)
    {
        var line = 1;
        var fields = new List<string>();
        var field = new StringBuilder();
        var startLine = 1;
        var inQuotes = false;
        var fieldStarted = false; // whether the current record has any content yet
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else inQuotes = false;
                }
                else
                {
                    if (ch == '\n') line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    fieldStarted = true;
                    break;
                case '"':
                    throw new FormatException($"CSV line {line}: a quote inside an unquoted field (quote the whole field and double the quote).");
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    yield return (startLine, fields);
                    fields = [];
                    field.Clear();
                    fieldStarted = false;
                    line++;
                    startLine = line;
                    break;
                default:
                    field.Append(ch);
                    fieldStarted = true;
                    break;
            }
        }
        if (inQuotes) throw new FormatException($"CSV line {startLine}: a quoted field is never closed.");
        if (fieldStarted || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (startLine, fields);
        }
    }
}
