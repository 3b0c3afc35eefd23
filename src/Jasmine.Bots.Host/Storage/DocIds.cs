namespace Jasmine.Bots.Storage;

/// <summary>Ids for documents that have no natural key (audit lines, journal entries).</summary>
public static class DocIds
{
    /// <summary>
    /// 24 hex digits that sort in the order they were made on one host (a time, a machine, a counter: LiteDB's
    /// ObjectId as text), so "newest first" can follow the id in any store.
    /// </summary>
    public static string New() => LiteDB.ObjectId.NewObjectId().ToString();
}
