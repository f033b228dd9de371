// The output side of ModelConsumer: turns DataView cells (scalars, VBuffer vectors, keys) and schema
// annotations into JSON values. The column's DataViewType picks the typed getter at run time, so any
// model's output columns can be written without knowing them in advance.
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ModelConsumer;

internal static class JsonValues
{
    public const string KeyValuesKind = "KeyValues";
    public const string SlotNamesKind = "SlotNames";

    /// <summary>Returns an action that writes the column's value at the row's current position.</summary>
    public static Action<Utf8JsonWriter> CreateCellWriter(DataViewRow row, DataViewSchema.Column column)
    {
        bool isVector = column.Type is VectorDataViewType;
        var itemType = column.Type is VectorDataViewType vector ? vector.ItemType : column.Type;
        var write = itemType is KeyDataViewType ? KeyWriter(itemType.RawType, column.Annotations) : ItemWriter(itemType);
        return (Action<Utf8JsonWriter>)CallGeneric(isVector ? nameof(BindVector) : nameof(BindScalar),
            itemType.RawType, row, column, write)!;
    }

    /// <summary>Writes a vector annotation (slot names, key values) as a JSON array; false if it is absent.</summary>
    public static bool TryWriteAnnotation(Utf8JsonWriter json, DataViewSchema.Annotations annotations, string kind)
    {
        if (annotations.Schema.GetColumnOrNull(kind) is not { Type: VectorDataViewType vector })
            return false;
        CallGeneric(nameof(WriteAnnotation), vector.ItemType.RawType, json, annotations, kind, vector.ItemType);
        return true;
    }

    private static object? CallGeneric(string method, Type typeArgument, params object[] args)
        => typeof(JsonValues).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(typeArgument)
            .Invoke(null, BindingFlags.DoNotWrapExceptions, null, args, null);

    private static Action<Utf8JsonWriter> BindScalar<T>(DataViewRow row, DataViewSchema.Column column, Action<Utf8JsonWriter, T> write)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return json =>
        {
            getter(ref value);
            write(json, value);
        };
    }

    private static Action<Utf8JsonWriter> BindVector<T>(DataViewRow row, DataViewSchema.Column column, Action<Utf8JsonWriter, T> write)
    {
        var getter = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> buffer = default;
        return json =>
        {
            getter(ref buffer);
            WriteArray(json, buffer, write);
        };
    }

    private static void WriteAnnotation<T>(Utf8JsonWriter json, DataViewSchema.Annotations annotations, string kind, DataViewType itemType)
    {
        VBuffer<T> buffer = default;
        annotations.GetValue(kind, ref buffer);
        WriteArray(json, buffer, (Action<Utf8JsonWriter, T>)ItemWriter(itemType));
    }

    // Sparse vectors are written densely: implicit entries are default(T).
    private static void WriteArray<T>(Utf8JsonWriter json, VBuffer<T> buffer, Action<Utf8JsonWriter, T> write)
    {
        json.WriteStartArray();
        foreach (var item in buffer.DenseValues())
            write(json, item);
        json.WriteEndArray();
    }

    /// <summary>An Action&lt;Utf8JsonWriter, T&gt; for a non-key item type T.</summary>
    private static Delegate ItemWriter(DataViewType type)
    {
        var t = type.RawType;
        if (t == typeof(float))
            return (Action<Utf8JsonWriter, float>)WriteSingle;
        if (t == typeof(double))
            return (Action<Utf8JsonWriter, double>)WriteDouble;
        if (t == typeof(ReadOnlyMemory<char>))
            return (Action<Utf8JsonWriter, ReadOnlyMemory<char>>)((json, v) => json.WriteStringValue(v.Span));
        if (t == typeof(bool))
            return (Action<Utf8JsonWriter, bool>)((json, v) => json.WriteBooleanValue(v));
        if (t == typeof(sbyte))
            return (Action<Utf8JsonWriter, sbyte>)((json, v) => json.WriteNumberValue(v));
        if (t == typeof(byte))
            return (Action<Utf8JsonWriter, byte>)((json, v) => json.WriteNumberValue(v));
        if (t == typeof(short))
            return (Action<Utf8JsonWriter, short>)((json, v) => json.WriteNumberValue(v));
        if (t == typeof(ushort))
            return (Action<Utf8JsonWriter, ushort>)((json, v) => json.WriteNumberValue(v));
        if (t == typeof(int))
            return (Action<Utf8JsonWriter, int>)((json, v) => json.WriteNumberValue(v));
        if (t == typeof(uint))
            return (Action<Utf8JsonWriter, uint>)((json, v) => json.WriteNumberValue(v));
        if (t == typeof(long))
            return (Action<Utf8JsonWriter, long>)((json, v) => json.WriteNumberValue(v));
        if (t == typeof(ulong))
            return (Action<Utf8JsonWriter, ulong>)((json, v) => json.WriteNumberValue(v));
        if (t == typeof(DateTime))
            return (Action<Utf8JsonWriter, DateTime>)((json, v) => json.WriteStringValue(v));
        if (t == typeof(DateTimeOffset))
            return (Action<Utf8JsonWriter, DateTimeOffset>)((json, v) => json.WriteStringValue(v));
        if (t == typeof(TimeSpan))
            return (Action<Utf8JsonWriter, TimeSpan>)((json, v) => json.WriteStringValue(v.ToString("c", CultureInfo.InvariantCulture)));
        // Anything else (e.g. DataViewRowId, images): its ToString().
        return typeof(JsonValues).GetMethod(nameof(WriteAsString), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(t).CreateDelegate(typeof(Action<,>).MakeGenericType(typeof(Utf8JsonWriter), t));
    }

    private static void WriteAsString<T>(Utf8JsonWriter json, T value) => json.WriteStringValue(value?.ToString());

    // Utf8JsonWriter writes the shortest text that round-trips ("R"); JSON has no NaN/Infinity, so those are strings.
    private static void WriteSingle(Utf8JsonWriter json, float v)
    {
        if (float.IsFinite(v))
            json.WriteNumberValue(v);
        else
            json.WriteStringValue(float.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
    }

    private static void WriteDouble(Utf8JsonWriter json, double v)
    {
        if (double.IsFinite(v))
            json.WriteNumberValue(v);
        else
            json.WriteStringValue(double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
    }

    /// <summary>
    /// Key cells: with a KeyValues annotation, key k (1-based) writes the k-th value and key 0 (missing)
    /// writes null; without one, the raw key number.
    /// </summary>
    private static Delegate KeyWriter(Type rawType, DataViewSchema.Annotations annotations)
    {
        Action<Utf8JsonWriter, ulong> write = (json, key) => json.WriteNumberValue(key);
        if (annotations.Schema.GetColumnOrNull(KeyValuesKind) is { Type: VectorDataViewType vector })
            write = (Action<Utf8JsonWriter, ulong>)CallGeneric(nameof(KeyLookup), vector.ItemType.RawType, annotations, vector.ItemType)!;
        if (rawType == typeof(byte))
            return (Action<Utf8JsonWriter, byte>)((json, k) => write(json, k));
        if (rawType == typeof(ushort))
            return (Action<Utf8JsonWriter, ushort>)((json, k) => write(json, k));
        if (rawType == typeof(uint))
            return (Action<Utf8JsonWriter, uint>)((json, k) => write(json, k));
        return write;
    }

    private static Action<Utf8JsonWriter, ulong> KeyLookup<T>(DataViewSchema.Annotations annotations, DataViewType itemType)
    {
        VBuffer<T> buffer = default;
        annotations.GetValue(KeyValuesKind, ref buffer);
        var values = buffer.DenseValues().ToArray();
        var writeValue = (Action<Utf8JsonWriter, T>)ItemWriter(itemType);
        return (json, key) =>
        {
            if (key == 0 || key > (ulong)values.Length)
                json.WriteNullValue();
            else
                writeValue(json, values[key - 1]);
        };
    }
}
