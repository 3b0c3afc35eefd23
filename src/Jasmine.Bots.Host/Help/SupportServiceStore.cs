using Jasmine.Bots.Places;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Help;

/// <summary>
/// A support service as stored. Every field is in clear: these are public organisations and phone lines, never a
/// person (the house rule on encrypted fields is about people).
/// </summary>
public sealed class SupportServiceDoc
{
    public string Id { get; set; } = "";
    public ServiceKind Kind { get; set; }
    public string Name { get; set; } = "";
    public string Address { get; set; } = "";
    public string Postcode { get; set; } = "";
    public string Town { get; set; } = "";
    public double Latitude { get; set; }
    public double Longitude { get; set; }
    public string Phone { get; set; } = "";
    public string OpeningHours { get; set; } = "";
    public List<string> Languages { get; set; } = [];
    public bool SexWorkerFriendly { get; set; }
    public bool Hidden { get; set; }
    public DateTime UpdatedAt { get; set; }

    // The embedded store's mapper keeps "" as null: read back as "" so an unknown phone stays a string.
    public SupportService ToService() => new(Id, Kind, Name ?? "", Address ?? "", Postcode ?? "", Town ?? "", Latitude, Longitude,
        Phone ?? "", OpeningHours ?? "", Languages ?? [], SexWorkerFriendly, Hidden);

    public static SupportServiceDoc From(SupportService s, DateTime now) => new()
    {
        Id = s.Id, Kind = s.Kind, Name = s.Name, Address = s.Address, Postcode = s.Postcode, Town = s.Town,
        Latitude = s.Latitude, Longitude = s.Longitude, Phone = s.Phone, OpeningHours = s.OpeningHours,
        Languages = [.. s.Languages], SexWorkerFriendly = s.SexWorkerFriendly, Hidden = s.Hidden, UpdatedAt = now,
    };
}

/// <summary>
/// The support directory kept in the store (collection <c>services</c>), for the bot and the staff console.
/// <list type="bullet">
/// <item><see cref="List"/> / <see cref="Get"/> read, hidden rows included (staff must see what they hid).</item>
/// <item><see cref="Add"/> creates (fails if the id exists), <see cref="Update"/> replaces (fails if it does not),
/// <see cref="Hide"/> takes a row out of answers without losing it, <see cref="Upsert"/> is the CSV import.</item>
/// <item>Every write is validated as a CSV row would be (<see cref="Validate"/> throws <see cref="FormatException"/>)
/// and rebuilds the cached <see cref="Directory"/> the flows query.</item>
/// </list>
/// National phone lines (<see cref="IsNationalLine"/>) have no real place: they are kept apart from "nearest" answers
/// and offered on a line of their own (<see cref="NationalLines"/>).
/// </summary>
public sealed class SupportServiceStore
{
    public const string Collection = "services";

    private readonly JasmineStore _store;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(SupportDirectory Directory, IReadOnlyDictionary<ServiceKind, IReadOnlyList<SupportService>> National);

    public SupportServiceStore(JasmineStore store, TimeProvider time, string? seedCsvPath, ILogger<SupportServiceStore> logger)
    {
        _store = store;
        _time = time;
        if (seedCsvPath is not null && Services.Count() == 0 && File.Exists(seedCsvPath))
        {
            // First start: the sample directory, so the bot answers something real before staff import their own.
            using var reader = new StreamReader(seedCsvPath);
            var count = Upsert(SupportDirectory.ReadCsv(reader)).Added;
            logger.LogInformation("Seeded the support directory with {Count} services from the sample file", count);
        }
    }

    private IDocs<SupportServiceDoc> Services => _store.Collection<SupportServiceDoc>(Collection);

    /// <summary>A phone line with no place of its own: by convention an id starting "national-", or no postcode and town "France".</summary>
    public static bool IsNationalLine(SupportService s) =>
        s.Id.StartsWith("national-", StringComparison.Ordinal) || (s.Postcode.Length == 0 && s.Town == "France");

    /// <summary>Visible services with a place, indexed for nearest look-ups; rebuilt after any change.</summary>
    public SupportDirectory Directory => Current().Directory;

    /// <summary>Visible national lines of a kind (3919, 116 006, 115…).</summary>
    public IReadOnlyList<SupportService> NationalLines(ServiceKind kind) =>
        Current().National.TryGetValue(kind, out var lines) ? lines : [];

    public IReadOnlyList<SupportService> List() =>
        [.. Services.FindAll().OrderBy(d => d.Kind).ThenBy(d => d.Id, StringComparer.Ordinal).Select(d => d.ToService())];

    public SupportService? Get(string id) => Services.FindById(id)?.ToService();

    public void Add(SupportService service)
    {
        Validate(service);
        lock (_gate)
        {
            if (Services.FindById(service.Id) is not null) throw new InvalidOperationException($"A service with id \"{service.Id}\" already exists.");
            Services.Insert(SupportServiceDoc.From(service, _time.GetUtcNow().UtcDateTime));
            _snapshot = null;
        }
    }

    public void Update(SupportService service)
    {
        Validate(service);
        lock (_gate)
        {
            if (!Services.Update(SupportServiceDoc.From(service, _time.GetUtcNow().UtcDateTime)))
                throw new KeyNotFoundException($"No service with id \"{service.Id}\".");
            _snapshot = null;
        }
    }

    /// <summary>
    /// Hides the services of one source (ids starting with <paramref name="idPrefix"/>) that its latest full list no
    /// longer has: an establishment that closed must not be where she is sent tonight. Hidden, not deleted, so the
    /// team can show one again; a later list that has it again shows it again. Returns how many were hidden.
    /// </summary>
    public int HideMissing(string idPrefix, IReadOnlySet<string> present)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow().UtcDateTime;
            var hidden = _store.InTransaction(() =>
            {
                var gone = Services.FindAll().Where(d => d.Id.StartsWith(idPrefix, StringComparison.Ordinal) && !d.Hidden && !present.Contains(d.Id)).ToList();
                foreach (var doc in gone)
                {
                    doc.Hidden = true;
                    doc.UpdatedAt = now;
                    Services.Update(doc);
                }
                return gone.Count;
            });
            if (hidden > 0) _snapshot = null;
            return hidden;
        }
    }

    /// <summary>Shown services of one source, for comparing a new list with what is there.</summary>
    public int CountShown(string idPrefix) => Services.FindAll().Count(d => d.Id.StartsWith(idPrefix, StringComparison.Ordinal) && !d.Hidden);

    /// <summary>Hides (or shows again) a service; false when there is no such id.</summary>
    public bool Hide(string id, bool hidden = true)
    {
        lock (_gate)
        {
            var doc = Services.FindById(id);
            if (doc is null) return false;
            doc.Hidden = hidden;
            doc.UpdatedAt = _time.GetUtcNow().UtcDateTime;
            Services.Update(doc);
            _snapshot = null;
            return true;
        }
    }

    /// <summary>Adds new ids and replaces known ones, all or nothing.</summary>
    public (int Added, int Updated) Upsert(IEnumerable<SupportService> services)
    {
        var list = services.ToList();
        foreach (var s in list) Validate(s);
        var now = _time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            // The store's own transaction: one writer at a time, like every other write.
            var added = _store.InTransaction(() => list.Count(s => Services.Upsert(SupportServiceDoc.From(s, now))));
            _snapshot = null;
            return (added, list.Count - added);
        }
    }

    /// <summary>The checks a CSV row gets, for rows coming from the console.</summary>
    public static void Validate(SupportService s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (string.IsNullOrWhiteSpace(s.Id)) throw new FormatException("Service id is empty.");
        if (string.IsNullOrWhiteSpace(s.Name)) throw new FormatException($"Service \"{s.Id}\": name is empty.");
        if (!Enum.IsDefined(s.Kind)) throw new FormatException($"Service \"{s.Id}\": unknown kind.");
        if (double.IsNaN(s.Latitude) || Math.Abs(s.Latitude) > 90) throw new FormatException($"Service \"{s.Id}\": not a latitude.");
        if (double.IsNaN(s.Longitude) || Math.Abs(s.Longitude) > 180) throw new FormatException($"Service \"{s.Id}\": not a longitude.");
        if (!OpeningHours.TryParse(s.OpeningHours ?? "", out _, out var error)) throw new FormatException($"Service \"{s.Id}\": {error}");
    }

    private Snapshot Current()
    {
        if (_snapshot is { } ready) return ready;
        lock (_gate)
        {
            if (_snapshot is { } built) return built;
            var all = Services.FindAll().Select(d => d.ToService()).ToList();
            var national = all.Where(s => !s.Hidden && IsNationalLine(s))
                .GroupBy(s => s.Kind)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<SupportService>)[.. g.OrderBy(s => s.Id, StringComparer.Ordinal)]);
            return _snapshot = new Snapshot(new SupportDirectory(all.Where(s => !IsNationalLine(s))), national);
        }
    }
}
