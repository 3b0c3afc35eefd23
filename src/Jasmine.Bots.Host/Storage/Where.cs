using LiteDB;

namespace Jasmine.Bots.Storage;

/// <summary>
/// Filters whose values travel as parameters. LiteDB's <c>Query.LTE(field, value)</c> writes the value into the
/// expression's text, and LiteDB compiles and caches every distinct text for the life of the process: a dispatcher
/// asking "what is due before now" every few milliseconds kept ~8.6 KB per pass, forever. With the value as
/// <c>@0</c> the text is the same each time and is compiled once; an index on the field is still used.
/// </summary>
public static class Where
{
    public static BsonExpression Less(string field, BsonValue value) => Compare(field, "<", value);
    public static BsonExpression AtMost(string field, BsonValue value) => Compare(field, "<=", value);
    public static BsonExpression More(string field, BsonValue value) => Compare(field, ">", value);
    public static BsonExpression AtLeast(string field, BsonValue value) => Compare(field, ">=", value);

    /// <summary><paramref name="field"/> strictly between the two values.</summary>
    public static BsonExpression Between(string field, BsonValue above, BsonValue below) =>
        BsonExpression.Create($"{Path(field)} > @0 AND {Path(field)} < @1", above, below);

    private static BsonExpression Compare(string field, string op, BsonValue value) => BsonExpression.Create($"{Path(field)} {op} @0", value);

    private static string Path(string field) => field == "_id" ? "_id" : "$." + field;
}
