using System.Collections.Concurrent;
using System.Reflection;

namespace MLNetRnn.Data;

/// <summary>
/// One public property or field of a row type that maps to a <see cref="DataView"/> column, with reflection accessors.
/// Discovered once per type and cached (<see cref="For"/>).
/// </summary>
internal sealed class RowMember
{
    private static readonly ConcurrentDictionary<Type, RowMember[]> Cache = new();

    private readonly PropertyInfo? _property;
    private readonly FieldInfo? _field;

    private RowMember(MemberInfo member, Type type, bool canRead, bool canWrite)
    {
        Name = member.Name;
        Type = type;
        CanRead = canRead;
        CanWrite = canWrite;
        ColumnName = member.GetCustomAttribute<ColumnNameAttribute>()?.Name ?? member.Name;
        LoadIndex = member.GetCustomAttribute<LoadColumnAttribute>()?.Index;
        Kind = member is PropertyInfo ? "property" : "field";
    }

    private RowMember(PropertyInfo property)
        : this(property, property.PropertyType, property.GetMethod?.IsPublic == true, property.SetMethod?.IsPublic == true)
    {
        _property = property;
    }

    private RowMember(FieldInfo field)
        : this(field, field.FieldType, true, !field.IsInitOnly && !field.IsLiteral)
    {
        _field = field;
    }

    /// <summary>Gets the member name, for messages.</summary>
    public string Name { get; }

    /// <summary>Gets "property" or "field", for messages.</summary>
    public string Kind { get; }

    /// <summary>Gets the member's declared type.</summary>
    public Type Type { get; }

    /// <summary>Gets the column name: <see cref="ColumnNameAttribute"/> or the member name.</summary>
    public string ColumnName { get; }

    /// <summary>Gets the <see cref="LoadColumnAttribute"/> field index, when present.</summary>
    public int? LoadIndex { get; }

    /// <summary>Gets whether the member has a public getter (fields: always).</summary>
    public bool CanRead { get; }

    /// <summary>Gets whether the member has a public setter (fields: when not read-only).</summary>
    public bool CanWrite { get; }

    /// <summary>Gets the member's value on <paramref name="row"/>.</summary>
    public object? GetValue(object row) => _property is not null ? _property.GetValue(row) : _field!.GetValue(row);

    /// <summary>Sets the member's value on <paramref name="row"/>.</summary>
    public void SetValue(object row, object? value)
    {
        if (_property is not null)
        {
            _property.SetValue(row, value);
        }
        else
        {
            _field!.SetValue(row, value);
        }
    }

    /// <summary>Describes the member for messages: <c>property 'Label' of Review</c>.</summary>
    public string Describe(Type owner) => $"{Kind} '{Name}' of {owner.Name}";

    /// <summary>Throws when the member's type is a nullable value type, which no column can hold.</summary>
    /// <exception cref="InvalidOperationException">The type is <see cref="Nullable{T}"/>.</exception>
    public void RejectNullable(Type owner)
    {
        var underlying = Nullable.GetUnderlyingType(Type);
        if (underlying is not null)
        {
            throw new InvalidOperationException(
                $"The {Describe(owner)} is Nullable<{underlying.Name}>; nullable value types are not supported as columns. "
                + $"Declare it as {underlying.Name}, or mark it [NoColumn] to skip it.");
        }
    }

    /// <summary>Gets a type's name as C# readers know it, for messages: <c>Single</c>, <c>Int32[]</c>, <c>List&lt;String&gt;</c>.</summary>
    public static string FriendlyName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return $"Nullable<{FriendlyName(underlying)}>";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        string name = type.Name;
        int tick = name.IndexOf('`');
        return $"{(tick < 0 ? name : name[..tick])}<{string.Join(", ", type.GetGenericArguments().Select(FriendlyName))}>";
    }

    /// <summary>Throws when two members map to the same column name.</summary>
    /// <exception cref="InvalidOperationException">A column name repeats.</exception>
    public static void CheckUniqueColumns(Type owner, IEnumerable<RowMember> members)
    {
        var seen = new Dictionary<string, RowMember>(StringComparer.Ordinal);
        foreach (var m in members)
        {
            if (!seen.TryAdd(m.ColumnName, m))
            {
                throw new InvalidOperationException(
                    $"The {seen[m.ColumnName].Describe(owner)} and the {m.Describe(owner)} both map to column '{m.ColumnName}'. "
                    + "Give one of them another [ColumnName], or mark it [NoColumn].");
            }
        }
    }

    /// <summary>Gets the cached <see cref="Discover"/> result for <paramref name="type"/>.</summary>
    public static IReadOnlyList<RowMember> For(Type type) => Cache.GetOrAdd(type, Discover);

    /// <summary>Lists the public instance properties (not indexers) and fields of <paramref name="type"/> without <see cref="NoColumnAttribute"/>.</summary>
    /// <remarks>Order: properties, then fields; base-class members first; declaration order within a class.</remarks>
    private static RowMember[] Discover(Type type)
    {
        const BindingFlags Flags = BindingFlags.Public | BindingFlags.Instance;
        var properties = type.GetProperties(Flags)
            .Where(p => p.GetIndexParameters().Length == 0 && !Attribute.IsDefined(p, typeof(NoColumnAttribute)))
            .OrderBy(p => Depth(p.DeclaringType!)).ThenBy(p => p.MetadataToken)
            .Select(p => new RowMember(p));
        var fields = type.GetFields(Flags)
            .Where(f => !Attribute.IsDefined(f, typeof(NoColumnAttribute)))
            .OrderBy(f => Depth(f.DeclaringType!)).ThenBy(f => f.MetadataToken)
            .Select(f => new RowMember(f));
        return properties.Concat(fields).ToArray();
    }

    private static int Depth(Type type)
    {
        int depth = 0;
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return depth;
    }
}
