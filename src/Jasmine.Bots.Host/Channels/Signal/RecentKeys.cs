namespace Jasmine.Bots.Channels.Signal;

/// <summary>Remembers the last <c>capacity</c> keys, oldest forgotten first, so memory stays bounded.</summary>
internal sealed class RecentKeys<T>(int capacity) where T : notnull
{
    private readonly HashSet<T> _set = new(capacity);
    private readonly Queue<T> _order = new(capacity);

    /// <summary>True when the key is new (and now remembered), false when it was seen recently.</summary>
    public bool Add(T key)
    {
        if (!_set.Add(key))
        {
            return false;
        }
        _order.Enqueue(key);
        if (_order.Count > capacity)
        {
            _set.Remove(_order.Dequeue());
        }
        return true;
    }
}
