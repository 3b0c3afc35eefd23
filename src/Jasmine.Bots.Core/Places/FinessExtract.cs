using System.Globalization;
using System.Text;

namespace Jasmine.Bots.Places;

/// <summary>
/// Reads the public FINESS extract of geolocated establishments (data.gouv.fr, « FINESS Extraction du Fichier des
/// établissements », file <c>etalab-cs1100507-stock-*.csv</c>) into support services. Its documented layout: ';'
/// separated, no quotes, a first comment line, then one section per line prefix:
/// <list type="bullet">
/// <item><c>structureet</c>: nofinesset, nofinessej, rs, rslongue, complrs, compldistrib, numvoie, typvoie, voie,
/// compvoie, lieuditbp, commune, departement, libdepartement, ligneacheminement, telephone, telecopie, categetab,
/// libcategetab, categagretab, libcategagretab, siret, codeape, codemft, libmft, codesph, libsph, dateouv,
/// dateautor, datemaj, numuai;</item>
/// <item><c>geolocalisation</c>: nofinesset, coordxet, coordyet, sourcecoordet, datemaj — coordinates in metres of
/// the projection named at the end of <c>sourcecoordet</c> (LAMBERT_93 in metropolitan France, UTM_N20 / UTM_N22 /
/// UTM_S38 / UTM_S40 overseas).</item>
/// </list>
/// Only the kinds a member asks for are kept (see <see cref="KindOf"/>); ids are <c>finess-</c> + nofinesset, so a
/// re-import replaces rather than duplicates.
/// </summary>
public static class FinessExtract
{
    public const string IdPrefix = "finess-";

    /// <summary>What was read: the services, and how many establishments were left out and why.</summary>
    public sealed record Result(IReadOnlyList<SupportService> Services, int Establishments, IReadOnlyDictionary<string, int> Skipped);

    /// <summary>
    /// FINESS categories (categetab, DREES nomenclature, checked against the extract's libcategetab on 2026-12-01)
    /// that a member may need. FINESS does not say which hospital has an emergency department: regional and
    /// general hospitals (C.H.R., C.H.) do as a rule, so they are offered as emergency; staff hide the exceptions.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (ServiceKind Kind, string Label)> Categories = new Dictionary<string, (ServiceKind, string)>(StringComparer.Ordinal)
    {
        ["101"] = (ServiceKind.Emergency, "Urgences"),                       // Centre Hospitalier Régional (C.H.R.)
        ["355"] = (ServiceKind.Emergency, "Urgences"),                       // Centre Hospitalier (C.H.)
        ["636"] = (ServiceKind.Health, "CeGIDD"),                            // Centre de soins et de prévention (CeGIDD, CLAT…)
        ["266"] = (ServiceKind.Health, "CeGIDD"),                            // Dispensaire Antivénérien
        ["228"] = (ServiceKind.Health, "Planning familial"),                 // Centre Planification ou Education Familiale
        ["178"] = (ServiceKind.HarmReduction, "CAARUD"),                     // Centre Accueil/Accomp. Réduc. Risq. Usag. Drogues
        ["197"] = (ServiceKind.HarmReduction, "CSAPA"),                      // Centre soins accompagnement prévention addictologie
    };

    public static (ServiceKind Kind, string Label)? KindOf(string categetab) =>
        Categories.TryGetValue(categetab.Trim(), out var k) ? k : null;

    private static readonly Dictionary<string, string> StreetTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["R"] = "rue", ["AV"] = "avenue", ["BD"] = "boulevard", ["PL"] = "place", ["QU"] = "quai", ["QUA"] = "quai",
        ["CHE"] = "chemin", ["RTE"] = "route", ["ALL"] = "allée", ["IMP"] = "impasse", ["CRS"] = "cours", ["SQ"] = "square",
        ["PAS"] = "passage", ["RPT"] = "rond-point", ["FG"] = "faubourg", ["MTE"] = "montée", ["ESP"] = "esplanade",
    };

    /// <summary>Reads bytes as UTF-8 when they are, else as Latin-1 (the extract has long been ISO-8859-1).</summary>
    public static string Decode(byte[] bytes)
    {
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF'); }
        catch (DecoderFallbackException) { return Encoding.Latin1.GetString(bytes); }
    }

    /// <summary>Reads the extract; a malformed line throws a <see cref="FormatException"/> naming it.</summary>
    public static Result Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var structures = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var places = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var lineNumber = 0;
        var sawSection = false;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split(';').Select(Clean).ToArray();
            switch (fields[0])
            {
                case "structureet":
                    if (fields.Length < 32) throw new FormatException($"FINESS line {lineNumber}: structureet has {fields.Length} fields, 32 expected.");
                    structures[fields[1]] = fields;
                    sawSection = true;
                    break;
                case "geolocalisation":
                    if (fields.Length < 5) throw new FormatException($"FINESS line {lineNumber}: geolocalisation has {fields.Length} fields, 5 or 6 expected.");
                    places[fields[1]] = fields;
                    sawSection = true;
                    break;
                default:
                    // The first line is a comment ("finess;etalab;…"); other sections may be added: neither is ours.
                    break;
            }
        }
        if (!sawSection) throw new FormatException("FINESS: no structureet line: is this the geolocated establishments extract (etalab-cs1100507)?");

        var services = new List<SupportService>();
        var skipped = new Dictionary<string, int>(StringComparer.Ordinal);
        void Skip(string why) => skipped[why] = skipped.GetValueOrDefault(why) + 1;
        foreach (var (id, s) in structures)
        {
            if (KindOf(s[18]) is not { } kind) { Skip("other category"); continue; }
            if (!places.TryGetValue(id, out var g)) { Skip("no coordinates"); continue; }
            if (Coordinates(g) is not { } at) { Skip("unknown projection"); continue; }
            var (postcode, town) = PostcodeAndTown(s[15]);
            var name = s[4].Length > 0 ? s[4] : s[3];
            services.Add(new SupportService(
                Id: IdPrefix + id,
                Kind: kind.Kind,
                Name: Title(name, kind.Label),
                Address: Address(s),
                Postcode: postcode,
                Town: town,
                Latitude: Math.Round(at.Latitude, 6),
                Longitude: Math.Round(at.Longitude, 6),
                Phone: Phone(s[16]),
                OpeningHours: kind.Kind == ServiceKind.Emergency ? "24/7" : "",
                Languages: ["fr"],
                SexWorkerFriendly: false,
                Hidden: false));
        }
        services.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return new Result(services, structures.Count, skipped);
    }

    /// <summary>Lambert 93 or UTM, as <c>sourcecoordet</c> says ("1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93").</summary>
    public static (double Latitude, double Longitude)? Coordinates(string[] geo)
    {
        if (!double.TryParse(geo[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            || !double.TryParse(geo[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var y)) return null;
        var projection = geo[4].Split(',').LastOrDefault()?.Trim().ToUpperInvariant() ?? "";
        (double, double)? result = projection switch
        {
            "LAMBERT_93" or "LAMBERT93" => Projections.FromLambert93(x, y),
            _ when projection.StartsWith("UTM_", StringComparison.Ordinal) && projection.Length >= 7
                && int.TryParse(projection[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var zone) && zone is >= 1 and <= 60
                && projection[4] is 'N' or 'S' => Projections.FromUtm(x, y, zone, south: projection[4] == 'S'),
            "WGS84" => (y, x),
            _ => null,
        };
        return result is { } r && Math.Abs(r.Item1) <= 90 && Math.Abs(r.Item2) <= 180 ? r : null;
    }

    private static string Clean(string field)
    {
        var f = field.Trim();
        // Some older extracts wrote ="0123" so spreadsheets keep leading zeros.
        if (f.StartsWith("=\"", StringComparison.Ordinal) && f.EndsWith('"')) f = f[2..^1];
        else if (f.Length >= 2 && f[0] == '"' && f[^1] == '"') f = f[1..^1];
        return f.Trim();
    }

    private static (string Postcode, string Town) PostcodeAndTown(string ligne)
    {
        // "69003 LYON", "13354 MARSEILLE CEDEX 05": the town without its CEDEX.
        var parts = ligne.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return ("", "");
        var postcode = parts[0].Length == 5 && parts[0].All(char.IsAsciiDigit) ? parts[0] : "";
        var town = postcode.Length > 0 ? (parts.Length > 1 ? parts[1] : "") : ligne;
        var cedex = town.IndexOf(" CEDEX", StringComparison.OrdinalIgnoreCase);
        if (cedex > 0) town = town[..cedex];
        return (postcode, Capitalise(town.Trim()));
    }

    private static string Address(string[] s)
    {
        var type = StreetTypes.TryGetValue(s[8], out var t) ? t : s[8].ToLowerInvariant();
        var street = string.Join(' ', new[] { s[7] + s[10].ToLowerInvariant(), type, Capitalise(s[9]) }.Where(p => p.Length > 0));
        return s[11].Length > 0 && street.Length == 0 ? Capitalise(s[11]) : street;
    }

    private static string Phone(string digits)
    {
        var d = new string(digits.Where(char.IsAsciiDigit).ToArray());
        return d.Length == 10 ? string.Join(' ', Enumerable.Range(0, 5).Select(i => d.Substring(2 * i, 2))) : d;
    }

    /// <summary>"CH LYON SUD" → "Urgences - CH Lyon Sud"; the kind goes first unless the name already says it.</summary>
    private static string Title(string name, string label)
    {
        var readable = Capitalise(name);
        return readable.Contains(label, StringComparison.OrdinalIgnoreCase) ? readable : $"{label} - {readable}";
    }

    // FINESS writes names in capitals: "HOPITAL EDOUARD HERRIOT" reads better as "Hopital Edouard Herriot";
    // acronyms (2-5 letters without vowels, or known ones) stay in capitals.
    private static readonly HashSet<string> Acronyms = new(StringComparer.OrdinalIgnoreCase)
    { "CH", "CHU", "CHR", "CHS", "HCL", "AP", "HP", "APHP", "AP-HP", "AP-HM", "CEGIDD", "CAARUD", "CSAPA", "CPEF", "CMP", "GH", "CPAM", "ANPAA", "CLAT", "CDAG" };

    private static string Capitalise(string text)
    {
        if (text.Length == 0 || text.Any(char.IsLower)) return text;
        var words = text.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w =>
        {
            if (Acronyms.Contains(w)) return w.Equals("cegidd", StringComparison.OrdinalIgnoreCase) ? "CeGIDD" : w.ToUpperInvariant();
            if (w is "de" or "du" or "des" or "la" or "le" or "les" or "et" or "d" or "l" or "sur" or "en" or "a") return w;
            return string.Join('-', w.Split('-').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
        });
        var joined = string.Join(' ', words);
        return joined.Length > 0 ? char.ToUpperInvariant(joined[0]) + joined[1..] : joined;
    }
}
