using System.Collections;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Jasmine.Bots.Storage;

/// <summary>The parameters of one SQL command: every value a filter compares with goes here, never into the text.</summary>
internal sealed class SqlParameters
{
    public List<NpgsqlParameter> All { get; } = [];

    public string Add(object? value, NpgsqlDbType type)
    {
        var name = "p" + All.Count.ToString(CultureInfo.InvariantCulture);
        All.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return "@" + name;
    }
}

internal enum FieldKind { Text, Date, Integer, Real, Decimal, Boolean, Enum }

/// <summary>
/// A document field as a typed SQL expression over the <c>jsonb</c>. Filters, ORDER BY and indexes all use this one
/// text for a field, so that PostgreSQL's planner matches a filter to the index <c>EnsureIndex</c> made.
/// </summary>
internal sealed partial record SqlField(string Sql, FieldKind Kind, Type Type, bool Nullable)
{
    /// <summary>Booleans and enums have no order worth asking for: LiteDB would order enums by name, C# by number.</summary>
    public bool Orderable => Kind is not (FieldKind.Boolean or FieldKind.Enum);

    public NpgsqlDbType DbType => Kind switch
    {
        FieldKind.Integer => NpgsqlDbType.Bigint,
        FieldKind.Real => NpgsqlDbType.Double,
        FieldKind.Decimal => NpgsqlDbType.Numeric,
        FieldKind.Boolean => NpgsqlDbType.Boolean,
        _ => NpgsqlDbType.Text,
    };

    /// <summary>A value as the field holds it in the JSON (dates as their fixed-width text, enums by name).</summary>
    public object ToDb(object value) => Kind switch
    {
        FieldKind.Text => value as string ?? ((char)value).ToString(),
        FieldKind.Date => DocumentJson.FormatDate((DateTime)value),
        FieldKind.Integer => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        FieldKind.Real => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        FieldKind.Decimal => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
        FieldKind.Boolean => (bool)value,
        _ => Enum.ToObject(Type, value).ToString()!,
    };

    /// <summary>An array parameter of these values, typed as the field's values are.</summary>
    public Array ToDbArray(IEnumerable<object> values) => Kind switch
    {
        FieldKind.Integer => values.Select(v => (long)ToDb(v)).ToArray(),
        FieldKind.Real => values.Select(v => (double)ToDb(v)).ToArray(),
        FieldKind.Decimal => values.Select(v => (decimal)ToDb(v)).ToArray(),
        FieldKind.Boolean => values.Select(v => (bool)ToDb(v)).ToArray(),
        _ => values.Select(v => (string)ToDb(v)).ToArray(),
    };

    public static FieldKind? KindOf(Type type)
    {
        type = System.Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum) return FieldKind.Enum;
        if (type == typeof(string) || type == typeof(char)) return FieldKind.Text;
        if (type == typeof(DateTime)) return FieldKind.Date;
        if (type == typeof(bool)) return FieldKind.Boolean;
        if (type == typeof(double) || type == typeof(float)) return FieldKind.Real;
        if (type == typeof(decimal)) return FieldKind.Decimal;
        if (type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(byte)
            || type == typeof(sbyte) || type == typeof(ushort) || type == typeof(uint)) return FieldKind.Integer;
        return null;
    }

    /// <summary>
    /// The field at <paramref name="path"/> (property names from the document's root). The root's <c>Id</c> is the
    /// id column (a text one, ordinal; a long id is cast back to a number for comparing and ordering).
    /// </summary>
    public static SqlField? Of(IReadOnlyList<string> path, Type type)
    {
        if (KindOf(type) is not { } kind) return null;
        var underlying = System.Nullable.GetUnderlyingType(type) ?? type;
        var nullable = !type.IsValueType || System.Nullable.GetUnderlyingType(type) is not null;
        if (path is ["Id"])
        {
            return kind == FieldKind.Text ? new SqlField("id", kind, underlying, false)
                : kind == FieldKind.Integer ? new SqlField("(id)::bigint", kind, underlying, false)
                : null;
        }
        var json = JsonText(path);
        var sql = kind switch
        {
            // Ordinal, as LiteDB compares (and the id column is declared COLLATE "C" for the same reason).
            FieldKind.Text or FieldKind.Date or FieldKind.Enum => $"({json} COLLATE \"C\")",
            FieldKind.Integer => $"({json})::bigint",
            FieldKind.Real => $"({json})::double precision",
            FieldKind.Decimal => $"({json})::numeric",
            _ => $"({json})::boolean",
        };
        return new SqlField(sql, kind, underlying, nullable);
    }

    /// <summary>The field's JSON value (<c>jsonb</c>): for the lists that <c>Contains</c> looks into.</summary>
    public static string JsonValue(IReadOnlyList<string> path) =>
        path.Count == 1 ? $"(doc->'{Name(path[0])}')" : $"(doc#>'{{{string.Join(',', path.Select(Name))}}}')";

    private static string JsonText(IReadOnlyList<string> path) =>
        path.Count == 1 ? $"(doc->>'{Name(path[0])}')" : $"(doc#>>'{{{string.Join(',', path.Select(Name))}}}')";

    /// <summary>Property names are written into the SQL (an index expression cannot take parameters): only plain identifiers.</summary>
    private static string Name(string property) =>
        PlainName().IsMatch(property) ? property : throw new NotSupportedException($"A property name the PostgreSQL store will not write into SQL: '{property}'.");

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainName();
}

/// <summary>
/// Reads a filter lambda into a SQL condition over <c>doc jsonb</c>, with its values as parameters. It takes
/// exactly the shapes <see cref="IDocs{T}"/>'s remarks list and refuses anything else with a
/// <see cref="NotSupportedException"/>: a filter read wrongly would be silently wrong.
/// </summary>
/// <remarks>
/// Nulls follow LiteDB, where a missing field is null and null sorts below every value: <c>x.F != v</c> and
/// <c>!(x.F == v)</c> hold for a null <c>F</c>, and so does <c>x.F &lt; v</c> (and <c>&lt;=</c>) when <c>F</c> is nullable
/// (a string or a <c>T?</c>). Negation is pushed down to the comparisons (De Morgan) so that SQL's three-valued NOT
/// never turns "unknown" into "excluded". A missing field of a non-nullable type (a document written before the
/// property existed) matches no ordering comparison: keeping the null arm out of those keeps the hot ones
/// (<c>NextAttemptAt &lt;= now</c>) on their index.
/// </remarks>
internal sealed class PostgresFilter
{
    private readonly ParameterExpression _doc;
    private readonly SqlParameters _parameters;

    private PostgresFilter(ParameterExpression doc, SqlParameters parameters) => (_doc, _parameters) = (doc, parameters);

    public static string Where(LambdaExpression where, SqlParameters parameters) =>
        new PostgresFilter(where.Parameters[0], parameters).Condition(where.Body, negate: false);

    /// <summary>The field a selector such as <c>x =&gt; x.CreatedAt</c> names (for ORDER BY and indexes).</summary>
    public static SqlField Field(LambdaExpression selector) => new PostgresFilter(selector.Parameters[0], new SqlParameters()).FieldOf(selector.Body);

    private string Condition(Expression e, bool negate)
    {
        if (!References(e)) return (bool)Evaluate(e)! != negate ? "TRUE" : "FALSE";
        switch (e)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso or ExpressionType.OrElse } b:
                var and = b.NodeType == ExpressionType.AndAlso != negate;
                return $"({Condition(b.Left, negate)} {(and ? "AND" : "OR")} {Condition(b.Right, negate)})";
            case UnaryExpression { NodeType: ExpressionType.Not } u when u.Type == typeof(bool):
                return Condition(u.Operand, !negate);
            case BinaryExpression b when Operator(b.NodeType) is not null:
                return Compare(b, negate);
            case MethodCallExpression { Method.Name: "Contains" } m:
                return Contains(m, negate);
            case MethodCallExpression { Method.Name: "StartsWith", Object: { } target } m when m.Method.DeclaringType == typeof(string):
                return StartsWith(m, target, negate);
            case MemberExpression { Member.Name: "HasValue", Expression: { } nullable } when Nullable.GetUnderlyingType(nullable.Type) is not null:
                return $"{FieldOf(nullable).Sql} IS {(negate ? "" : "NOT ")}NULL";
            case MemberExpression m when m.Type == typeof(bool):
                // A missing or null flag is not true, as in LiteDB (where `x.F` reads `$.F = true`).
                return $"{FieldOf(m).Sql} IS {(negate ? "NOT " : "")}TRUE";
        }
        throw Unsupported(e);
    }

    private string Compare(BinaryExpression b, bool negate)
    {
        var fieldOnLeft = References(b.Left);
        var (fieldSide, valueSide) = fieldOnLeft ? (b.Left, b.Right) : (b.Right, b.Left);
        if (References(valueSide)) throw new NotSupportedException("The PostgreSQL store compares a field with a value, not two fields.");
        var op = b.NodeType;
        if (!fieldOnLeft) op = Mirror(op);
        if (negate) op = Negate(op);
        var field = FieldOf(fieldSide);
        if (op is not (ExpressionType.Equal or ExpressionType.NotEqual) && !field.Orderable)
            throw new NotSupportedException($"The PostgreSQL store does not order {field.Kind} fields ({b.NodeType} on {field.Type.Name}).");
        var f = field.Sql;
        if (Evaluate(valueSide) is not { } value)
        {
            // Null sorts below everything (LiteDB's order of types): nothing is below it, everything is at least it.
            return op switch
            {
                ExpressionType.Equal or ExpressionType.LessThanOrEqual => $"{f} IS NULL",
                ExpressionType.NotEqual or ExpressionType.GreaterThan => $"{f} IS NOT NULL",
                ExpressionType.LessThan => "FALSE",
                _ => "TRUE",
            };
        }
        var p = _parameters.Add(field.ToDb(value), field.DbType);
        var nullArm = field.Nullable ? $"{f} IS NULL OR " : "";
        return op switch
        {
            ExpressionType.Equal => $"{f} = {p}",
            ExpressionType.NotEqual => $"({nullArm}{f} <> {p})",
            ExpressionType.LessThan => $"({nullArm}{f} < {p})",
            ExpressionType.LessThanOrEqual => $"({nullArm}{f} <= {p})",
            ExpressionType.GreaterThan => $"{f} > {p}",
            _ => $"{f} >= {p}",
        };
    }

    private string Contains(MethodCallExpression m, bool negate)
    {
        var (source, item) = (m.Object, m.Arguments) switch
        {
            ({ } o, [var a]) => (o, a),
            (null, [var s, var a]) => (s, a),
            _ => throw Unsupported(m),
        };
        source = Unspan(source);
        if (References(source) && !References(item)) return ListContains(m, source, item, negate);
        // A captured string is a list of chars to Contains: never what a filter means.
        if (References(source) || !References(item) || source.Type == typeof(string)) throw Unsupported(m);

        // capturedList.Contains(x.Field)
        var field = FieldOf(item);
        var values = ((IEnumerable?)Evaluate(source) ?? throw new NotSupportedException("A null list in a filter's Contains.")).Cast<object?>().ToList();
        var present = values.OfType<object>().ToList();
        var any = present.Count == 0 ? "FALSE" : $"{field.Sql} = ANY({_parameters.Add(field.ToDbArray(present), NpgsqlDbType.Array | field.DbType)})";
        var positive = values.Count > present.Count && field.Nullable ? $"({any} OR {field.Sql} IS NULL)" : any;
        // A null field is in no list of values, so it passes the negation (coalesce turns SQL's unknown into false first).
        return negate ? $"NOT coalesce({positive}, false)" : positive;
    }

    /// <summary><c>x.Categories.Contains(value)</c>: the document's list of strings (or enums, stored by name) holds the value.</summary>
    private string ListContains(MethodCallExpression m, Expression source, Expression item, bool negate)
    {
        var element = ElementType(source.Type);
        if (element != typeof(string) && element?.IsEnum != true) throw Unsupported(m);
        var value = Evaluate(item) ?? throw new NotSupportedException("The PostgreSQL store cannot look for null in a document's list.");
        var text = element == typeof(string) ? (string)value : Enum.ToObject(element!, value).ToString()!;
        // jsonb `?` is true when the array holds this string (an index of jsonb_ops could serve it).
        var holds = $"{SqlField.JsonValue(PathOf(source, m))} ? {_parameters.Add(text, NpgsqlDbType.Text)}";
        return negate ? $"NOT coalesce({holds}, false)" : holds;
    }

    /// <summary>
    /// <c>x.Id.StartsWith("prefix")</c>, ordinal (as every string comparison here): LIKE on the "C" collation, which
    /// a btree index on the field (or the id's primary key) can serve. A culture or case-blind comparison is refused.
    /// </summary>
    private string StartsWith(MethodCallExpression m, Expression target, bool negate)
    {
        if (m.Arguments.Count is not (1 or 2) || m.Arguments.Any(References)) throw Unsupported(m);
        var prefix = m.Arguments[0];
        if (m.Arguments.Count == 2 && (m.Arguments[1].Type != typeof(StringComparison) || (StringComparison)Evaluate(m.Arguments[1])! != StringComparison.Ordinal)) throw Unsupported(m);
        var field = FieldOf(target);
        if (field.Kind != FieldKind.Text || Evaluate(prefix) is not string value) throw Unsupported(m);
        // The prefix is data: its own %, _ and backslash are escaped so that only the trailing % is a wildcard.
        var pattern = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var like = $"{field.Sql} LIKE {_parameters.Add(pattern, NpgsqlDbType.Text)}";
        return negate ? $"NOT coalesce({like}, false)" : like;
    }

    private SqlField FieldOf(Expression e)
    {
        var member = StripConvert(e);
        if (member is MemberExpression { Member.Name: "Value", Expression: { } inner } && Nullable.GetUnderlyingType(inner.Type) is not null) member = StripConvert(inner);
        return SqlField.Of(PathOf(member, e), member.Type)
            ?? throw new NotSupportedException($"The PostgreSQL store cannot compare a field of type {member.Type.Name}.");
    }

    /// <summary>The property names from the document down to <paramref name="e"/> (x.A.B → [A, B]).</summary>
    private List<string> PathOf(Expression e, Expression whole)
    {
        var path = new List<string>();
        e = StripConvert(e);
        while (e is MemberExpression { Expression: { } owner } m && m.Member is PropertyInfo or FieldInfo)
        {
            // Only members of documents and their nested objects are stored fields: a string's Length or a list's
            // Count is not (and would read as a missing field, silently).
            if (owner.Type == typeof(string) || typeof(IEnumerable).IsAssignableFrom(owner.Type) || owner.Type.IsValueType) throw Unsupported(m);
            path.Insert(0, m.Member.Name);
            e = StripConvert(owner);
        }
        return e == _doc && path.Count > 0 ? path : throw Unsupported(whole);
    }

    private static Expression StripConvert(Expression e)
    {
        while (e is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } u) e = u.Operand;
        return e;
    }

    /// <summary>C# 14 reads <c>array.Contains(x)</c> as MemoryExtensions.Contains over a span made by op_Implicit: the array is what to evaluate.</summary>
    private static Expression Unspan(Expression e) =>
        e is MethodCallExpression { Method.Name: "op_Implicit", Arguments: [var array] } ? array
        : e is UnaryExpression { NodeType: ExpressionType.Convert } u && u.Type.IsByRefLike ? u.Operand
        : e;

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private bool References(Expression e)
    {
        var finder = new ParameterFinder(_doc);
        finder.Visit(e);
        return finder.Found;
    }

    /// <summary>The value side, computed now (a closure's field is read directly; anything else is compiled once).</summary>
    private static object? Evaluate(Expression e) => e switch
    {
        ConstantExpression c => c.Value,
        MemberExpression { Member: FieldInfo f } m => f.GetValue(m.Expression is null ? null : Evaluate(m.Expression)),
        MemberExpression { Member: PropertyInfo p } m when p.GetIndexParameters().Length == 0 => p.GetValue(m.Expression is null ? null : Evaluate(m.Expression)),
        UnaryExpression { NodeType: ExpressionType.Convert } u when Nullable.GetUnderlyingType(u.Type) == u.Operand.Type => Evaluate(u.Operand),
        _ => Expression.Lambda<Func<object?>>(Expression.Convert(e, typeof(object))).Compile(preferInterpretation: true)(),
    };

    private static string? Operator(ExpressionType type) => type switch
    {
        ExpressionType.Equal => "=",
        ExpressionType.NotEqual => "<>",
        ExpressionType.LessThan => "<",
        ExpressionType.LessThanOrEqual => "<=",
        ExpressionType.GreaterThan => ">",
        ExpressionType.GreaterThanOrEqual => ">=",
        _ => null,
    };

    /// <summary>`v &lt; x.F` is `x.F &gt; v`.</summary>
    private static ExpressionType Mirror(ExpressionType type) => type switch
    {
        ExpressionType.LessThan => ExpressionType.GreaterThan,
        ExpressionType.LessThanOrEqual => ExpressionType.GreaterThanOrEqual,
        ExpressionType.GreaterThan => ExpressionType.LessThan,
        ExpressionType.GreaterThanOrEqual => ExpressionType.LessThanOrEqual,
        _ => type,
    };

    /// <summary>With null below every value the order is total, so `!(a &lt; b)` is exactly `a &gt;= b`.</summary>
    private static ExpressionType Negate(ExpressionType type) => type switch
    {
        ExpressionType.Equal => ExpressionType.NotEqual,
        ExpressionType.NotEqual => ExpressionType.Equal,
        ExpressionType.LessThan => ExpressionType.GreaterThanOrEqual,
        ExpressionType.LessThanOrEqual => ExpressionType.GreaterThan,
        ExpressionType.GreaterThan => ExpressionType.LessThanOrEqual,
        _ => ExpressionType.LessThan,
    };

    /// <summary>Names the node only: a filter's constants could be a person's data, and exception messages reach logs.</summary>
    private static NotSupportedException Unsupported(Expression e) => new(e switch
    {
        MethodCallExpression m => $"The PostgreSQL store cannot translate a filter's call to {m.Method.DeclaringType?.Name}.{m.Method.Name}.",
        MemberExpression m => $"The PostgreSQL store cannot translate a filter's use of member {m.Member.Name}.",
        _ => $"The PostgreSQL store cannot translate a filter's {e.NodeType} node.",
    });

    private sealed class ParameterFinder(ParameterExpression doc) : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (node == doc) Found = true;
            return node;
        }
    }
}
