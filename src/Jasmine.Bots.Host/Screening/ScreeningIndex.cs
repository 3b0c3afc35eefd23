using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Storage;
using LiteDB;

namespace Jasmine.Bots.Screening;

/// <summary>What screening needs to know of a profile, in a few bytes.</summary>
public readonly record struct ProfileSummary(Classification Classification, ushort CategoryMask, DateTime? LastReportAt)
{
    public static ProfileSummary Of(ProfileDoc profile) =>
        new(profile.Classification, ScreeningIndex.Mask(profile.Categories), profile.LastReportAt);

    public IReadOnlyList<string> Categories => ScreeningIndex.Unmask(CategoryMask);
}

/// <summary>
/// Screening is the hot path (every message with a number in it): identifier hash → profile summary, held in
/// memory. Keys are the first 128 bits of the keyed hash (the full hash stays in the store); values are a few
/// bytes, so a million identifiers cost tens of megabytes. The store stays the truth: the index is loaded from it
/// at start-up (in the background; screening reads the store until then) and updated after each commit.
/// </summary>
public sealed class ScreeningIndex
{
    private readonly ConcurrentDictionary<UInt128, ProfileSummary> _entries;

    public ScreeningIndex(JasmineStore store, ILogger<ScreeningIndex> logger)
    {
        var initial = store.InitialIndex ?? [];
        _entries = new ConcurrentDictionary<UInt128, ProfileSummary>(Environment.ProcessorCount, initial, EqualityComparer<UInt128>.Default);
        store.InitialIndex = null;
        logger.LogInformation("Screening index: {Identifiers} identifiers", _entries.Count);
    }

    public bool IsReady => true;
    public int Count => _entries.Count;

    public static UInt128 Key(string hash)
    {
        Span<byte> bytes = stackalloc byte[32];
        if (!Base64Url.TryDecodeFromChars(hash, bytes, out var written) || written < 16)
            throw new FormatException("Not an identifier hash.");
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public bool TryGet(string hash, out ProfileSummary summary) => _entries.TryGetValue(Key(hash), out summary);

    /// <summary>Called (after commit) whenever a profile changed: its identifiers now point at its new summary.</summary>
    public void Refresh(ProfileDoc profile)
    {
        var summary = ProfileSummary.Of(profile);
        foreach (var id in profile.Identifiers) _entries[Key(id.Hash)] = summary;
    }

    public void Remove(IEnumerable<string> hashes)
    {
        foreach (var h in hashes) _entries.TryRemove(Key(h), out _);
    }

    /// <summary>Reads every profile's summary and identifier hashes (raw documents, only the fields needed).</summary>
    internal static List<KeyValuePair<UInt128, ProfileSummary>> Scan(LiteDatabase db)
    {
        var list = new List<KeyValuePair<UInt128, ProfileSummary>>();
        if (!db.CollectionExists("profiles")) return list;
        foreach (var doc in db.GetCollection("profiles").Query().Select("{ c: $.Classification, k: $.Categories, l: $.LastReportAt, h: $.Identifiers[*].Hash }").ToEnumerable())
        {
            var classification = Enum.TryParse<Classification>(doc["c"].AsString, out var c) ? c : Classification.Pending;
            var categories = doc["k"].IsArray ? doc["k"].AsArray.Select(v => v.AsString) : [];
            var summary = new ProfileSummary(classification, Mask(categories), doc["l"].IsDateTime ? doc["l"].AsDateTime : null);
            if (doc["h"].IsArray)
                foreach (var h in doc["h"].AsArray) list.Add(new(Key(h.AsString), summary));
        }
        return list;
    }

    public static ushort Mask(IEnumerable<string> categories)
    {
        ushort mask = 0;
        foreach (var c in categories)
        {
            var i = IndexOf(c);
            if (i >= 0) mask |= (ushort)(1 << i);
        }
        return mask;
    }

    private static int IndexOf(string category)
    {
        for (var i = 0; i < ReportCategories.All.Count; i++) if (ReportCategories.All[i] == category) return i;
        return -1;
    }

    public static IReadOnlyList<string> Unmask(ushort mask)
    {
        var list = new List<string>(2);
        for (var i = 0; i < ReportCategories.All.Count; i++) if ((mask & (1 << i)) != 0) list.Add(ReportCategories.All[i]);
        return list;
    }
}
