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
    /// <summary>A collection and its document type; what a copy, a dump and a load do with it, typed.</summary>
    public abstract record Entry(string Name, Type Type)
    {
        internal abstract int Count(IDocumentStore store);
        internal abstract int Copy(IDocumentStore from, IDocumentStore to);
        internal abstract int Dump(IDocumentStore from, StreamWriter writer);
        internal abstract void Load(IDocumentStore to, JsonElement doc);
    }

    private static Entry Of<T>(string name) where T : class => new Entry<T>(name);

    public static readonly IReadOnlyList<Entry> All =
    [
        Of<MemberDoc>("members"),
        Of<AddressDoc>("addresses"),
        Of<InviteDoc>("invites"),
        Of<ProfileDoc>("profiles"),
        Of<IdentifierIndexDoc>("identifiers"),
        Of<ReportDoc>("reports"),
        Of<ConversationDoc>("conversations"),
        Of<CounterDoc>("counters"),
        Of<StoreBackup.KeyCheckDoc>(StoreBackup.KeyCheckCollection),
        Of<AlertAreasDoc>("alert_areas"),
        Of<AllowanceDoc>("allowances"),
        Of<AuditEntry>("audit"),
        Of<CaseDoc>("cases"),
        Of<CheckInDoc>(CheckInStore.Collection),
        Of<CheckInWordsDoc>("checkin_words"),
        Of<ClaimDoc>("claims"),
        Of<FanoutDoc>("fanouts"),
        Of<FragmentDoc>("staff_fragments"),
        Of<FragmentsBuiltDoc>("staff_fragments_meta"),
        Of<HealthNoteDoc>(HealthNoteStore.Collection),
        Of<InboundDoc>("inbound"),
        Of<LaneDayDoc>("lane_days"),
        Of<NoticeDoc>("notices"),
        Of<OutboxDoc>("outbox"),
        Of<OutboxKeyDoc>("outbox_keys"),
        Of<PendingWipeDoc>("wipe_pending"),
        Of<PoliceConsentDoc>("police_consents"),
        Of<ProfileFlagDoc>("profile_flags"),
        Of<ReviewStateDoc>("report_reviews"),
        Of<StaffAccount>("staff"),
        Of<SupportServiceDoc>(SupportServiceStore.Collection),
        Of<ThrottleDoc>("staff_throttle"),
        Of<WatchDoc>("watches"),
        Of<WipeConsentDoc>("wipe_consent"),
        Of<WipeLedgerDoc>("wipe_ledger"),
    ];

    /// <summary>Copies every listed collection of <paramref name="from"/> into <paramref name="to"/>, one transaction per page; returns the documents copied per collection.</summary>
    internal static IReadOnlyDictionary<string, int> Copy(IDocumentStore from, IDocumentStore to, Action<string, int>? copied = null)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in All)
        {
            var n = entry.Copy(from, to);
            counts[entry.Name] = n;
            copied?.Invoke(entry.Name, n);
        }
        return counts;
    }

    /// <summary>Collections of <paramref name="store"/> that already hold documents (a migration or a restore writes only into an empty store).</summary>
    internal static IReadOnlyList<string> NonEmpty(IDocumentStore store) =>
        All.Where(e => e.Name != StoreBackup.KeyCheckCollection && e.Count(store) > 0).Select(e => e.Name).ToList();

    /// <summary>Writes every document as a line of JSON (collection, document): the portable backup of any store.</summary>
    internal static IReadOnlyDictionary<string, int> Dump(IDocumentStore from, Stream output)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
        foreach (var entry in All) counts[entry.Name] = entry.Dump(from, writer);
        writer.Flush();
        return counts;
    }

    /// <summary>Reads what <see cref="Dump"/> wrote into <paramref name="to"/>.</summary>
    internal static IReadOnlyDictionary<string, int> Load(Stream input, IDocumentStore to)
    {
        var entries = All.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using var reader = new StreamReader(input, System.Text.Encoding.UTF8, false, 1 << 16, leaveOpen: true);
        var batch = new List<(Entry Entry, JsonElement Doc)>();
        void Flush()
        {
            to.InTransaction(() =>
            {
                foreach (var (entry, doc) in batch) entry.Load(to, doc);
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
            if (!entries.TryGetValue(name, out var entry)) throw new DataAccessException($"The backup holds a collection this version does not know ({name}).");
            batch.Add((entry, parsed.RootElement.GetProperty("d").Clone()));
            counts[name] = counts.GetValueOrDefault(name) + 1;
            if (batch.Count >= 1000) Flush();
        }
        if (batch.Count > 0) Flush();
        return counts;
    }

    private sealed record Entry<T>(string Name) : Entry(Name, typeof(T)) where T : class
    {
        private const int Page = 1000;
        private static readonly PropertyInfo Id = typeof(T).GetProperty("Id") ?? throw new InvalidOperationException($"{typeof(T).Name} has no Id.");

        internal override int Count(IDocumentStore store) => store.Collection<T>(Name).Count();

        /// <summary>Pages of documents by id (string ids in the store's order; the few long-id collections at once).</summary>
        private IEnumerable<IReadOnlyList<T>> Pages(IDocumentStore store)
        {
            var docs = store.Collection<T>(Name);
            if (Id.PropertyType != typeof(string))
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
                after = (string)Id.GetValue(page[^1])!;
            }
        }

        internal override int Copy(IDocumentStore from, IDocumentStore to)
        {
            var target = to.Collection<T>(Name);
            var n = 0;
            foreach (var page in Pages(from))
            {
                to.InTransaction(() => { foreach (var doc in page) target.Upsert(doc); return 0; });
                n += page.Count;
            }
            return n;
        }

        internal override int Dump(IDocumentStore from, StreamWriter writer)
        {
            var n = 0;
            foreach (var page in Pages(from))
            {
                foreach (var doc in page)
                {
                    writer.Write("{\"c\":");
                    writer.Write(JsonSerializer.Serialize(Name));
                    writer.Write(",\"d\":");
                    writer.Write(JsonSerializer.Serialize(doc, DocumentJson.Options));
                    writer.Write("}\n");
                    n++;
                }
            }
            return n;
        }

        internal override void Load(IDocumentStore to, JsonElement doc) =>
            to.Collection<T>(Name).Upsert(doc.Deserialize<T>(DocumentJson.Options)!);
    }
}
