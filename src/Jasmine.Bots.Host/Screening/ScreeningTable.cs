using Jasmine.Bots.Domain;

namespace Jasmine.Bots.Screening;

/// <summary>
/// The screening index as read at start-up, in flat arrays: open addressing over the 128-bit keys, which are already
/// uniform (the first bits of a keyed hash), so the key itself picks the slot. About 36 bytes an identifier where a
/// dictionary node cost about 100, and no object per entry for the garbage collector to walk. Built once, then only
/// read, so readers need no lock; what changes after start-up lives in <see cref="ScreeningIndex"/>'s overlay.
/// </summary>
internal sealed class ScreeningTable
{
    // A slot's state: 0 is empty; otherwise 1 + the classification, with HasDate set when there is a last report.
    private const byte HasDate = 0x80;

    private readonly UInt128[] _keys;
    private readonly long[] _dates;
    private readonly ushort[] _masks;
    private readonly byte[] _states;

    private ScreeningTable(int capacity)
    {
        _keys = new UInt128[capacity];
        _dates = new long[capacity];
        _masks = new ushort[capacity];
        _states = new byte[capacity];
    }

    public int Count { get; private set; }

    public bool TryGet(UInt128 key, out ProfileSummary summary)
    {
        var states = _states;
        var i = Slot(key, states.Length);
        while (true)
        {
            var state = states[i];
            if (state == 0) break;
            if (_keys[i] == key)
            {
                summary = new ProfileSummary((Classification)((state & ~HasDate) - 1), _masks[i], (state & HasDate) != 0 ? DateTime.FromBinary(_dates[i]) : null);
                return true;
            }
            if (++i == states.Length) i = 0;
        }
        summary = default;
        return false;
    }

    public bool Contains(UInt128 key) => TryGet(key, out _);

    // Multiply-shift maps the key's low 64 bits onto [0, capacity) without a power-of-two table or a division.
    private static int Slot(UInt128 key, int capacity) => (int)Math.BigMul((ulong)key, (ulong)capacity, out _);

    private void Put(in Builder.Entry entry)
    {
        var i = Slot(entry.Key, _states.Length);
        while (_states[i] != 0 && _keys[i] != entry.Key)
            if (++i == _states.Length) i = 0;
        if (_states[i] == 0) Count++;
        _keys[i] = entry.Key;
        _dates[i] = entry.Date;
        _masks[i] = entry.Mask;
        _states[i] = entry.State;
    }

    /// <summary>
    /// Collects entries as the store is read (in fixed chunks: a growing list would copy itself and briefly hold
    /// twice its size), then lays them out in a table sized for exactly that many.
    /// </summary>
    internal sealed class Builder
    {
        private const int ChunkSize = 16_384;
        private readonly List<Entry[]> _chunks = [];
        private int _count;

        internal readonly record struct Entry(UInt128 Key, long Date, ushort Mask, byte State);

        public int Count => _count;

        public void Add(UInt128 key, ProfileSummary summary)
        {
            if (_count % ChunkSize == 0) _chunks.Add(new Entry[ChunkSize]);
            var state = (byte)((int)summary.Classification + 1);
            var date = 0L;
            if (summary.LastReportAt is { } at) { state |= HasDate; date = at.ToBinary(); }
            _chunks[^1][_count % ChunkSize] = new Entry(key, date, summary.CategoryMask, state);
            _count++;
        }

        public ScreeningTable Build()
        {
            // Three quarters full at most: linear probing stays short (about 2.5 probes for a miss, the common case).
            var table = new ScreeningTable(Math.Max(4, _count + _count / 3 + 1));
            for (var c = 0; c < _chunks.Count; c++)
            {
                var chunk = _chunks[c];
                var n = Math.Min(ChunkSize, _count - c * ChunkSize);
                for (var i = 0; i < n; i++) table.Put(chunk[i]);
                _chunks[c] = [];   // let each chunk go as soon as it is laid out
            }
            _chunks.Clear();
            return table;
        }
    }
}
