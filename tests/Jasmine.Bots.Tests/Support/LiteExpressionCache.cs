using System.Collections;
using System.Reflection;

namespace Jasmine.Bots.Tests.Support;

/// <summary>
/// How many distinct expression texts LiteDB has compiled and keeps: LiteDB 5.0.21 holds a compiled delegate per
/// text in static dictionaries (<c>_cacheScalar</c>, <c>_cacheEnumerable</c>) that never shrink, so a query that
/// writes a changing value into its text makes this grow on every call.
/// </summary>
public static class LiteExpressionCache
{
    private static readonly FieldInfo[] Fields = typeof(LiteDB.BsonExpression)
        .GetFields(BindingFlags.NonPublic | BindingFlags.Static)
        .Where(f => f.FieldType.IsGenericType && f.FieldType.GetGenericArguments()[0] == typeof(string) && typeof(ICollection).IsAssignableFrom(f.FieldType))
        .ToArray() is { Length: > 0 } found ? found
        : throw new InvalidOperationException("LiteDB's BsonExpression has no static cache by text any more: update this probe for the LiteDB version in use.");

    public static int Count() => Fields.Sum(f => ((ICollection)f.GetValue(null)!).Count);
}
