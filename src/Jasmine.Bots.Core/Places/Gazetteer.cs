using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Jasmine.Bots.Places;

/// <summary>
/// Offline lookup of French communes (metropolitan France and overseas départements 971–976, with the arrondissements
/// of Paris, Lyon and Marseille) built from the embedded <c>communes.tsv.gz</c> (see tools/gazetteer/README.md).
/// </summary>
public sealed partial class Gazetteer
{
    public const int MaxResults = 8;

    private const string ResourceName = "Jasmine.Bots.Places.communes.tsv.gz";
    private static readonly Lazy<Gazetteer> Embedded = new(LoadFromResource);

    private readonly Place[] _places;
    private readonly string[][] _postcodes;
    private readonly int[] _parent; // arrondissement -> its city (Paris, Lyon, Marseille), else -1
    private readonly Dictionary<string, int[]> _byPostcode;
    private readonly Dictionary<string, int> _byInsee;
    private readonly Dictionary<string, List<NameHit>> _byName;
    private readonly string[][] _namesByLength; // distinct name keys by length, for the typo pass
    private readonly Dictionary<string, int> _biggestOfDepartement;
    private readonly GeoGrid _grid;
    private readonly int[] _gridPlaces; // grid point -> place index

    private readonly record struct NameHit(int Index, int Rank);

    // Ranks of a name match: lower is better.
    private const int OfficialName = 0;
    private const int ShortName = 1;   // "Paris 11", "Lyon 3e" for an arrondissement
    private const int FormerName = 2;  // a commune merged into this one
    private const int Typo = 3;

    private Gazetteer(List<Place> places, List<string[]> postcodes, List<string[]> formerNames)
    {
        _places = [.. places];
        _postcodes = [.. postcodes];
        _byInsee = new Dictionary<string, int>(places.Count, StringComparer.Ordinal);
        for (var i = 0; i < _places.Length; i++) _byInsee[_places[i].InseeCode] = i;

        _parent = new int[_places.Length];
        var byPostcode = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        _byName = new Dictionary<string, List<NameHit>>(StringComparer.Ordinal);
        _biggestOfDepartement = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _places.Length; i++)
        {
            var place = _places[i];
            _parent[i] = ParentCity(place.InseeCode) is { } city && _byInsee.TryGetValue(city, out var p) ? p : -1;
            foreach (var postcode in _postcodes[i])
            {
                if (!byPostcode.TryGetValue(postcode, out var list)) byPostcode[postcode] = list = [];
                list.Add(i);
            }
            AddName(TextFolding.Key(place.Name), i, OfficialName);
            foreach (var shortName in ArrondissementShortNames(place.Name)) AddName(shortName, i, ShortName);
            foreach (var former in formerNames[i]) AddName(TextFolding.Key(former), i, FormerName);
            if (_parent[i] < 0 && (!_biggestOfDepartement.TryGetValue(place.Departement, out var biggest)
                                   || _places[biggest].Population < place.Population))
                _biggestOfDepartement[place.Departement] = i;
        }
        _byPostcode = byPostcode.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        var longest = _byName.Keys.Max(k => k.Length);
        _namesByLength = new string[longest + 1][];
        foreach (var group in _byName.Keys.GroupBy(k => k.Length)) _namesByLength[group.Key] = [.. group];
        // Paris, Lyon and Marseille as a whole are left out of reverse geocoding: their arrondissements say more.
        var parents = _parent.Where(p => p >= 0).ToHashSet();
        _gridPlaces = [.. Enumerable.Range(0, _places.Length).Where(i => !parents.Contains(i))];
        _grid = new GeoGrid([.. _gridPlaces.Select(i => (_places[i].Latitude, _places[i].Longitude))], cellDegrees: 0.1);
    }

    /// <summary>The gazetteer shipped in this assembly, read once on first use.</summary>
    public static Gazetteer LoadEmbedded() => Embedded.Value;

    public int Count => _places.Length;

    /// <summary>
    /// Places matching what a person typed: a postcode ("13001"), a town in any spelling ("st denis", "ST-DENIS"),
    /// optionally narrowed by a postcode or département ("saint denis 93", "saint-denis 93200"), an INSEE code, or a
    /// bare département code ("93", "2A", "974"), which answers the département's most populous commune (not always
    /// the prefecture: "93" answers Saint-Denis, not Bobigny). Best match first, then larger population first; at
    /// most <see cref="MaxResults"/>. Nothing recognisable gives an empty list.
    /// </summary>
    public IReadOnlyList<Place> Resolve(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = TextFolding.Tokens(text);
        if (tokens.Count == 0) return [];

        string? postcode = null;
        var nameTokens = new List<string>(tokens.Count);
        foreach (var token in tokens)
        {
            if (token.Length == 5 && token.All(char.IsAsciiDigit)) postcode ??= token;
            else nameTokens.Add(token);
        }

        if (nameTokens.Count == 0)
            return postcode is null ? [] : ByPostcodeOrInsee(postcode);

        if (nameTokens.Count == 1 && NormaliseDepartement(nameTokens[0]) is { } onlyDepartement && postcode is null)
            return _biggestOfDepartement.TryGetValue(onlyDepartement, out var i) ? [_places[i]] : [];

        var hits = ExactName(TextFolding.Key(nameTokens));
        string? departement = null;
        if (hits.Count == 0 && nameTokens.Count > 1)
        {
            // "saint denis 93" or "93 saint denis": a département narrows the name. Tried only after the whole text
            // failed as a name, so that "paris 11" stays the 11th arrondissement.
            if (NormaliseDepartement(nameTokens[^1]) is { } last) { departement = last; nameTokens.RemoveAt(nameTokens.Count - 1); }
            else if (NormaliseDepartement(nameTokens[0]) is { } first) { departement = first; nameTokens.RemoveAt(0); }
            if (departement is not null) hits = ExactName(TextFolding.Key(nameTokens));
        }
        if (hits.Count == 0) hits = NearName(TextFolding.Key(nameTokens));
        if (hits.Count == 0) return [];

        departement ??= postcode is null ? null : DepartementOfPostcode(postcode);
        if (departement is not null) hits = [.. hits.Where(h => _places[h.Index].Departement == departement)];

        if (postcode is not null)
        {
            // A postcode picks the arrondissement of a matched city ("paris 75011") or confirms a commune.
            var matched = hits.Select(h => h.Index).ToHashSet();
            if (_byPostcode.TryGetValue(postcode, out var withPostcode))
            {
                var narrowed = withPostcode
                    .Where(i => matched.Contains(i) || (_parent[i] >= 0 && matched.Contains(_parent[i])))
                    .ToList();
                if (narrowed.Count > 0) return PreferArrondissements(narrowed, postcode);
            }
        }

        return [.. hits
            .OrderBy(h => h.Rank)
            .ThenByDescending(h => _places[h.Index].Population)
            .Select(h => h.Index)
            .Distinct()
            .Take(MaxResults)
            .Select(i => _places[i])];
    }

    /// <summary>The commune (or arrondissement) whose recorded centre is nearest to a shared location.</summary>
    public Place NearestCommune(double latitude, double longitude)
    {
        if (double.IsNaN(latitude) || double.IsNaN(longitude) || Math.Abs(latitude) > 90 || Math.Abs(longitude) > 180)
            throw new ArgumentOutOfRangeException(nameof(latitude), "Not a position on Earth.");
        return _places[_gridPlaces[_grid.Nearest(latitude, longitude)]];
    }

    /// <summary>Looks a place up by its INSEE code ("75111", "2A004").</summary>
    public Place? FindByInsee(string inseeCode) =>
        _byInsee.TryGetValue(inseeCode.Trim().ToUpperInvariant(), out var i) ? _places[i] : null;

    /// <summary>
    /// The département of a French postcode: the first two digits, except Corsica (200xx–201xx is 2A, 202xx–206xx
    /// is 2B, as La Poste assigns them) and overseas (first three digits; 97133 is Saint-Barthélemy, 977, and 97150
    /// Saint-Martin, 978). Null for anything that is not a postcode of a département or collectivity.
    /// </summary>
    public static string? DepartementOfPostcode(string postcode)
    {
        ArgumentNullException.ThrowIfNull(postcode);
        var code = postcode.Trim();
        if (code.Length != 5 || !code.All(char.IsAsciiDigit)) return null;
        var two = code[..2];
        return two switch
        {
            "00" or "96" or "98" or "99" => null,
            "20" => code[2] switch { '0' or '1' => "2A", '2' or '6' => "2B", _ => null },
            "97" => code switch
            {
                "97133" => "977",
                "97150" => "978",
                _ => code[2] is >= '1' and <= '6' ? code[..3] : null,
            },
            _ => two,
        };
    }

    private void AddName(string key, int index, int rank)
    {
        if (key.Length == 0) return;
        if (!_byName.TryGetValue(key, out var list)) _byName[key] = list = [];
        if (!list.Any(h => h.Index == index)) list.Add(new NameHit(index, rank));
    }

    private List<NameHit> ExactName(string key) => _byName.TryGetValue(key, out var exact) ? [.. exact] : [];

    private List<NameHit> NearName(string key)
    {

        // A small typo allowance ("marseile", "bordaux"): one edit from 5 letters, two from 10, never below 5
        // letters, where a single edit already lands on another real village.
        var maxEdits = key.Length >= 10 ? 2 : key.Length >= 5 ? 1 : 0;
        if (maxEdits == 0) return [];
        var hits = new List<NameHit>();
        for (var length = Math.Max(0, key.Length - maxEdits); length <= Math.Min(_namesByLength.Length - 1, key.Length + maxEdits); length++)
        {
            if (_namesByLength[length] is not { } candidates) continue;
            foreach (var candidate in candidates)
            {
                var distance = TextFolding.BoundedDistance(key, candidate, maxEdits);
                if (distance > maxEdits) continue;
                foreach (var hit in _byName[candidate]) hits.Add(hit with { Rank = Typo + distance + hit.Rank });
            }
        }
        return hits;
    }

    private IReadOnlyList<Place> ByPostcodeOrInsee(string code)
    {
        if (_byPostcode.TryGetValue(code, out var indices)) return PreferArrondissements(indices, code);
        return _byInsee.TryGetValue(code, out var i) ? [_places[i]] : [];
    }

    // "13001" belongs to Marseille and to Marseille 1er: the arrondissement is the more precise answer.
    private Place[] PreferArrondissements(IEnumerable<int> indices, string postcode)
    {
        var list = indices.Distinct().ToList();
        var parents = list.Where(i => _parent[i] >= 0).Select(i => _parent[i]).ToHashSet();
        return [.. list
            .Where(i => !parents.Contains(i))
            .OrderByDescending(i => _places[i].Population)
            .Take(MaxResults)
            .Select(i => _places[i].Postcode == postcode ? _places[i] : _places[i] with { Postcode = postcode })];
    }

    private static string? ParentCity(string insee) => insee switch
    {
        _ when insee.StartsWith("751", StringComparison.Ordinal) && insee != "75056" => "75056",
        _ when insee.StartsWith("132", StringComparison.Ordinal) => "13055",
        _ when insee.StartsWith("6938", StringComparison.Ordinal) => "69123",
        _ => null,
    };

    /// <summary>"paris11", "paris11e", "paris11eme", "paris11ieme" for "Paris 11e Arrondissement".</summary>
    private static IEnumerable<string> ArrondissementShortNames(string name)
    {
        var match = ArrondissementName().Match(name);
        if (!match.Success) yield break;
        var city = TextFolding.Key(match.Groups[1].Value);
        var number = match.Groups[2].Value;
        yield return city + number;
        foreach (var suffix in number == "1" ? ["er", "ere", "e"] : new[] { "e", "eme", "ieme" })
        {
            yield return city + number + suffix;
            yield return city + number + suffix + "arrondissement";
            yield return city + number + suffix + "arr";
        }
    }

    [GeneratedRegex(@"^(Paris|Lyon|Marseille) (\d+)(?:er|e) Arrondissement$")]
    private static partial Regex ArrondissementName();

    private static string? NormaliseDepartement(string token) => token switch
    {
        "2a" or "2b" => token.ToUpperInvariant(),
        { Length: 1 } when char.IsAsciiDigit(token[0]) && token[0] != '0' => "0" + token,
        { Length: 2 } when token.All(char.IsAsciiDigit) && token is not ("00" or "20" or "96" or "97" or "98" or "99") => token,
        { Length: 3 } when token is "971" or "972" or "973" or "974" or "975" or "976" => token,
        _ => null,
    };

    private static Gazetteer LoadFromResource()
    {
        using var stream = typeof(Gazetteer).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from {typeof(Gazetteer).Assembly.GetName().Name}.");
        return Load(stream);
    }

    internal static Gazetteer Load(Stream gzippedTsv)
    {
        using var reader = new StreamReader(new GZipStream(gzippedTsv, CompressionMode.Decompress));
        var places = new List<Place>(36_000);
        var postcodes = new List<string[]>(36_000);
        var formerNames = new List<string[]>(36_000);
        // Postcodes and département codes repeat thousands of times: share one string per value.
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        string Shared(string s) => pool.TryGetValue(s, out var existing) ? existing : pool[s] = s;

        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split('\t');
            if (f.Length != 8) throw new InvalidDataException($"communes.tsv line {lineNumber}: expected 8 columns, found {f.Length}.");
            var codes = f[2].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Shared).ToArray();
            places.Add(new Place(
                InseeCode: f[0],
                Name: f[1],
                Postcode: codes.Length > 0 ? codes[0] : "",
                Departement: Shared(f[3]),
                Latitude: double.Parse(f[4], CultureInfo.InvariantCulture),
                Longitude: double.Parse(f[5], CultureInfo.InvariantCulture),
                Population: int.Parse(f[6], CultureInfo.InvariantCulture)));
            postcodes.Add(codes);
            formerNames.Add(f[7].Length == 0 ? [] : f[7].Split('|'));
        }
        return new Gazetteer(places, postcodes, formerNames);
    }
}
