using System.Reflection;
using System.Text.Json;
using Jasmine.Bots.Alerts;
using Jasmine.Bots.Channels;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Help;
using Jasmine.Bots.Safety;
using Jasmine.Bots.Screening;
using Jasmine.Bots.Staff;
using Jasmine.Bots.Wipe;

namespace Jasmine.Bots.Storage;

/// <summary>
/// Every collection the host keeps, with its document type: what a migration copies and a logical backup holds.
/// A test reads the source tree and fails when a collection is used that is not listed here.
/// </summary>
public static class StoreCatalog
{
    public sealed record Entry(string Name, Type Type);

    public static readonly IReadOnlyList<Entry> All =
    [
        new("members", typeof(MemberDoc)),
        new("addresses", typeof(AddressDoc)),
        new("invites", typeof(InviteDoc)),
        new("profiles", typeof(ProfileDoc)),
        new("identifiers", typeof(IdentifierIndexDoc)),
        new("reports", typeof(ReportDoc)),
        new("conversations", typeof(ConversationDoc)),
        new("counters", typeof(CounterDoc)),
        new(StoreBackup.KeyCheckCollection, typeof(StoreBackup.KeyCheckDoc)),
        new("alert_areas", typeof(AlertAreasDoc)),
        new("allowances", typeof(AllowanceDoc)),
        new("audit", typeof(AuditEntry)),
        new("cases", typeof(CaseDoc)),
        new(CheckInStore.Collection, typeof(CheckInDoc)),
        new("checkin_words", typeof(CheckInWordsDoc)),
        new("claims", typeof(ClaimDoc)),
        new("fanouts", typeof(FanoutDoc)),
        new("staff_fragments", typeof(FragmentDoc)),
        new("staff_fragments_meta", typeof(FragmentsBuiltDoc)),
        new(HealthNoteStore.Collection, typeof(HealthNoteDoc)),
        new("inbound", typeof(InboundDoc)),
        new("lane_days", typeof(LaneDayDoc)),
        new("notices", typeof(NoticeDoc)),
        new("outbox", typeof(OutboxDoc)),
        new("outbox_keys", typeof(OutboxKeyDoc)),
        new("wipe_pending", typeof(PendingWipeDoc)),
        new("police_consents", typeof(PoliceConsentDoc)),
        new("profile_flags", typeof(ProfileFlagDoc)),
        new("report_reviews", typeof(ReviewStateDoc)),
        new("staff", typeof(StaffAccount)),
        new(SupportServiceStore.Collection, typeof(SupportServiceDoc)),
        new("staff_throttle", typeof(ThrottleDoc)),
        new("watches", typeof(WatchDoc)),
        new("wipe_consent", typeof(WipeConsentDoc)),
        new("wipe_ledger", typeof(WipeLedgerDoc)),
    ];

    /// <summary>Copies every listed collection of <paramref name="from"/> into <paramref name="to"/>, one transaction per page; returns the documents copied per collection.</summary>
    internal static IReadOnlyDictionary<string, int> Copy(IDocumentStore from, IDocumentStore to, Action<string, int>? copied = null)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in All)
        {
            var n = (int)CopyMethod.MakeGenericMethod(entry.Type).Invoke(null, [from, to, entry.Name])!;
            counts[entry.Name] = n;
            copied?.Invoke(entry.Name, n);
        }
        return counts;
    }

    /// <summary>Collections of <paramref name="store"/> that already hold documents (a migration or a restore writes only into an empty store).</summary>
    internal static IReadOnlyList<string> NonEmpty(IDocumentStore store) =>
        All.Where(e => e.Name != StoreBackup.KeyCheckCollection && (int)CountMethod.MakeGenericMethod(e.Type).Invoke(null, [store, e.Name])! > 0).Select(e => e.Name).ToList();

    /// <summary>Writes every document as a line of JSON (collection, document): the portable backup of any store.</summary>
    internal static IReadOnlyDictionary<string, int> Dump(IDocumentStore from, Stream output)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
        foreach (var entry in All)
            counts[entry.Name] = (int)DumpMethod.MakeGenericMethod(entry.Type).Invoke(null, [from, entry.Name, writer])!;
        writer.Flush();
        return counts;
    }

    /// <summary>Reads what <see cref="Dump"/> wrote into <paramref name="to"/>.</summary>
    internal static IReadOnlyDictionary<string, int> Load(Stream input, IDocumentStore to)
    {
        var types = All.ToDictionary(e => e.Name, e => e.Type, StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using var reader = new StreamReader(input, System.Text.Encoding.UTF8, false, 1 << 16, leaveOpen: true);
        var batch = new List<(string Name, JsonElement Doc)>();
        void Flush()
        {
            to.InTransaction(() =>
            {
                foreach (var (name, doc) in batch) LoadMethod.MakeGenericMethod(types[name]).Invoke(null, [to, name, doc]);
                return 0;
            });
            batch.Clear();
        }
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0) continue;
            using var parsed = JsonDocument.Parse(line);
            var name = parsed.RootElement.GetProperty("c").GetString()!;
            if (!types.ContainsKey(name)) throw new DataAccessException($"The backup holds a collection this version does not know ({name}).");
            batch.Add((name, parsed.RootElement.GetProperty("d").Clone()));
            counts[name] = counts.GetValueOrDefault(name) + 1;
            if (batch.Count >= 1000) Flush();
        }
        if (batch.Count > 0) Flush();
        return counts;
    }

    private const int Page = 1000;
    private static readonly MethodInfo CopyMethod = typeof(StoreCatalog).GetMethod(nameof(CopyOne), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo CountMethod = typeof(StoreCatalog).GetMethod(nameof(CountOne), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo DumpMethod = typeof(StoreCatalog).GetMethod(nameof(DumpOne), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo LoadMethod = typeof(StoreCatalog).GetMethod(nameof(LoadOne), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static int CountOne<T>(IDocumentStore store, string name) where T : class => store.Collection<T>(name).Count();

    /// <summary>Pages of documents by id (string ids in the store's order; the few long-id collections at once).</summary>
    private static IEnumerable<IReadOnlyList<T>> Pages<T>(IDocumentStore store, string name) where T : class
    {
        var docs = store.Collection<T>(name);
        var id = typeof(T).GetProperty("Id") ?? throw new InvalidOperationException($"{typeof(T).Name} has no Id.");
        if (id.PropertyType != typeof(string))
        {
            yield return docs.FindAll();
            yield break;
        }
        string? after = null;
        while (true)
        {
            var page = docs.After(after, Page);
            if (page.Count > 0) yield return page;
            if (page.Count < Page) yield break;
            after = (string)id.GetValue(page[^1])!;
        }
    }

    private static int CopyOne<T>(IDocumentStore from, IDocumentStore to, string name) where T : class
    {
        var target = to.Collection<T>(name);
        var n = 0;
        foreach (var page in Pages<T>(from, name))
        {
            to.InTransaction(() => { foreach (var doc in page) target.Upsert(doc); return 0; });
            n += page.Count;
        }
        return n;
    }

    private static int DumpOne<T>(IDocumentStore from, string name, StreamWriter writer) where T : class
    {
        var n = 0;
        foreach (var page in Pages<T>(from, name))
        {
            foreach (var doc in page)
            {
                writer.Write("{\"c\":");
                writer.Write(JsonSerializer.Serialize(name));
                writer.Write(",\"d\":");
                writer.Write(JsonSerializer.Serialize(doc, DocumentJson.Options));
                writer.Write("}\n");
                n++;
            }
        }
        return n;
    }

    private static void LoadOne<T>(IDocumentStore to, string name, JsonElement doc) where T : class =>
        to.Collection<T>(name).Upsert(doc.Deserialize<T>(DocumentJson.Options)!);
}
