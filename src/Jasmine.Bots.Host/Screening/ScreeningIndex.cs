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

    /// <summary>
    /// Reads the identifier index (small documents carrying the profile's summary), by a short-lived instance:
    /// LiteDB keeps every page it read cached until disposed, and the host should not carry that.
    /// </summary>
    internal static List<KeyValuePair<UInt128, ProfileSummary>> Scan(Func<LiteDatabase> open)
    {
        var list = new List<KeyValuePair<UInt128, ProfileSummary>>();
        using var db = open();
        if (!db.CollectionExists("identifiers")) return list;
        foreach (var doc in db.GetCollection("identifiers").Query().Select("{ i: $._id, c: $.Classification, k: $.CategoryMask, l: $.LastReportAt }").ToEnumerable())
        {
            var classification = Enum.TryParse<Classification>(doc["c"].AsString, out var c) ? c : Classification.Pending;
            var summary = new ProfileSummary(classification, (ushort)(doc["k"].IsNumber ? doc["k"].AsInt32 : 0), doc["l"].IsDateTime ? doc["l"].AsDateTime : null);
            list.Add(new(Key(doc["i"].AsString), summary));
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
