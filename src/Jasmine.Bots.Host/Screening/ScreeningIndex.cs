using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Storage;

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
/// bytes. The store stays the truth: the index is read from it when the store opens, into a compact table that is
/// then only read, and what changes after each commit goes to a small overlay in front of it (a profile refreshed,
/// an identifier removed), so a look-up never takes a lock and a million identifiers cost tens of megabytes.
/// </summary>
public sealed class ScreeningIndex
{
    private readonly ScreeningTable _initial;
    // Changes since start-up; null marks an identifier removed from the initial table.
    private readonly ConcurrentDictionary<UInt128, ProfileSummary?> _changes = new();
    private readonly Lock _write = new();
    private int _count;

    public ScreeningIndex(JasmineStore store, ILogger<ScreeningIndex> logger)
    {
        _initial = store.InitialIndex ?? new ScreeningTable.Builder().Build();
        store.InitialIndex = null;
        _count = _initial.Count;
        logger.LogInformation("Screening index: {Identifiers} identifiers", _count);
    }

    public int Count => Volatile.Read(ref _count);

    public static UInt128 Key(string hash)
    {
        Span<byte> bytes = stackalloc byte[32];
        if (!Base64Url.TryDecodeFromChars(hash, bytes, out var written) || written < 16)
            throw new FormatException("Not an identifier hash.");
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public bool TryGet(string hash, out ProfileSummary summary) => TryGet(Key(hash), out summary);

    private bool TryGet(UInt128 key, out ProfileSummary summary)
    {
        if (_changes.TryGetValue(key, out var changed))
        {
            summary = changed.GetValueOrDefault();
            return changed.HasValue;
        }
        return _initial.TryGet(key, out summary);
    }

    /// <summary>Called (after commit) whenever a profile changed: its identifiers now point at its new summary.</summary>
    public void Refresh(ProfileDoc profile)
    {
        var summary = ProfileSummary.Of(profile);
        // Writers take turns so the count stays exact; readers never wait.
        lock (_write)
        {
            foreach (var id in profile.Identifiers)
            {
                var key = Key(id.Hash);
                if (!TryGet(key, out _)) _count++;
                _changes[key] = summary;
            }
        }
    }

    public void Remove(IEnumerable<string> hashes)
    {
        lock (_write)
        {
            foreach (var h in hashes)
            {
                var key = Key(h);
                if (TryGet(key, out _)) _count--;
                if (_initial.Contains(key)) _changes[key] = null;
                else _changes.TryRemove(key, out _);
            }
        }
    }

    /// <summary>
    /// Reads the identifier index (small documents carrying the profile's summary) in bounded pages along the id, each
    /// page a query of its own: the embedded store keeps every page a query read until the query ends (up to 800 MB)
    /// and caches pages until its reading instance is closed (see JasmineStore), so 500 a query keeps the start-up
    /// peak low (192 MB at 1M identifiers, against 333 MB for 10,000 a query and 657 MB for one query).
    /// </summary>
    internal static ScreeningTable Scan(IDocs<IdentifierIndexDoc> identifiers, int pageSize = 500)
    {
        var builder = new ScreeningTable.Builder();
        string? after = null;
        while (true)
        {
            var page = identifiers.After(after, pageSize);
            foreach (var doc in page) builder.Add(Key(doc.Id), new ProfileSummary(doc.Classification, (ushort)doc.CategoryMask, doc.LastReportAt));
            if (page.Count < pageSize) break;
            after = page[^1].Id;
        }
        return builder.Build();
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
