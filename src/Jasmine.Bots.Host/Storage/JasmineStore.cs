using Jasmine.Bots.Privacy;
using LiteDB;

namespace Jasmine.Bots.Storage;

/// <summary>The embedded store: one LiteDB file, opened once for the life of the host.</summary>
public sealed class JasmineStore : IDisposable
{
    private readonly LiteDatabase _db;

    public JasmineStore(string path, FieldProtector protector)
    {
        Protector = protector;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var mapper = new BsonMapper { EnumAsInteger = false };
        _db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }, mapper)
        {
            // Everything is compared in UTC; a host in Paris must not read back local times.
            UtcDate = true,
        };
        Path_ = path;
        Members.EnsureIndex(m => m.InvitedBy);
        Addresses.EnsureIndex(a => a.MemberId);
        Reports.EnsureIndex(r => r.ReporterId);
        Reports.EnsureIndex(r => r.ProfileId);
        Reports.EnsureIndex(r => r.Reference, unique: true);
        Invites.EnsureIndex(i => i.IssuedBy);
    }

    public string Path_ { get; }
    public FieldProtector Protector { get; }
    public LiteDatabase Database => _db;

    public ILiteCollection<MemberDoc> Members => _db.GetCollection<MemberDoc>("members");
    public ILiteCollection<AddressDoc> Addresses => _db.GetCollection<AddressDoc>("addresses");
    public ILiteCollection<InviteDoc> Invites => _db.GetCollection<InviteDoc>("invites");
    public ILiteCollection<ProfileDoc> Profiles => _db.GetCollection<ProfileDoc>("profiles");
    public ILiteCollection<IdentifierIndexDoc> IdentifierIndex => _db.GetCollection<IdentifierIndexDoc>("identifiers");
    public ILiteCollection<ReportDoc> Reports => _db.GetCollection<ReportDoc>("reports");
    public ILiteCollection<ConversationDoc> Conversations => _db.GetCollection<ConversationDoc>("conversations");
    public ILiteCollection<CounterDoc> Counters => _db.GetCollection<CounterDoc>("counters");
    public ILiteCollection<RateDoc> Rates => _db.GetCollection<RateDoc>("rates");

    public bool IsOpen()
    {
        try { _ = _db.UserVersion; return true; }
        catch (ObjectDisposedException) { return false; }
    }

    /// <summary>Counters are the only statistics kept: category × month, never who.</summary>
    public void Increment(string counter, long by = 1)
    {
        var col = Counters;
        // LiteDB serialises writers; read-modify-write inside one transaction keeps the count exact.
        _db.BeginTrans();
        try
        {
            var doc = col.FindById(counter) ?? new CounterDoc { Id = counter };
            doc.Count += by;
            col.Upsert(doc);
            _db.Commit();
        }
        catch
        {
            _db.Rollback();
            throw;
        }
    }

    /// <summary>Features with data of their own add their erasure here (run by the retention job).</summary>
    public List<Action<DateTime>> RetentionTasks { get; } = [];

    public void Dispose() => _db.Dispose();
}
