using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRnn.DataViews;

/// <summary>
/// Checks and reads the columns our estimators consume, with messages that name the column, what it must be, what it
/// is, and how to get there. Schema checks run before any training (<c>GetOutputSchema</c> and the start of <c>Fit</c>).
/// </summary>
internal static class Columns
{
    /// <summary>Finds a visible column by name, or throws naming the columns that exist.</summary>
    /// <exception cref="ArgumentException">There is no such column.</exception>
    public static DataViewSchema.Column Find(DataViewSchema schema, string name, string role)
    {
        var column = schema.GetColumnOrNull(name);
        if (column is null || column.Value.IsHidden)
        {
            throw new ArgumentException($"Column '{name}' ({role}) is not in the data; it has: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"{c.Name} ({c.Type})"))}.", nameof(schema));
        }

        return column.Value;
    }

    /// <summary>Same as <see cref="Find(DataViewSchema, string, string)"/> for a pipeline's schema shape.</summary>
    public static SchemaShape.Column Find(SchemaShape schema, string name, string role)
    {
        foreach (var column in schema)
        {
            if (column.Name == name)
            {
                return column;
            }
        }

        throw new ArgumentException($"Column '{name}' ({role}) is not in the data; it has: {string.Join(", ", schema.Select(c => c.Name))}.", nameof(schema));
    }

    /// <summary>Requires a String column.</summary>
    /// <exception cref="ArgumentException">It is missing or of another type.</exception>
    public static void RequireText(DataViewSchema schema, string name, string role)
    {
        var column = Find(schema, name, role);
        if (column.Type is not TextDataViewType)
        {
            throw new ArgumentException($"Column '{name}' ({role}) must be String, got {column.Type}.", nameof(schema));
        }
    }

    /// <inheritdoc cref="RequireText(DataViewSchema, string, string)"/>
    public static void RequireText(SchemaShape schema, string name, string role)
    {
        var column = Find(schema, name, role);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
        {
            throw new ArgumentException($"Column '{name}' ({role}) must be String, got {Describe(column)}.", nameof(schema));
        }
    }

    /// <summary>Requires a vector of String (tokens).</summary>
    /// <exception cref="ArgumentException">It is missing or of another type.</exception>
    public static void RequireTextVector(DataViewSchema schema, string name, string role)
    {
        var column = Find(schema, name, role);
        if (column.Type is not VectorDataViewType { ItemType: TextDataViewType })
        {
            throw new ArgumentException($"Column '{name}' ({role}) must be a vector of String (tokens, for example from Transforms.Text.TokenizeWords), got {column.Type}.", nameof(schema));
        }
    }

    /// <summary>Requires a vector of String (tokens).</summary>
    /// <exception cref="ArgumentException">It is missing or of another type.</exception>
    public static void RequireTextVector(SchemaShape schema, string name, string role)
    {
        var column = Find(schema, name, role);
        if (column.Kind == SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
        {
            throw new ArgumentException($"Column '{name}' ({role}) must be a vector of String (tokens, for example from Transforms.Text.TokenizeWords), got {Describe(column)}.", nameof(schema));
        }
    }

    /// <summary>Requires a vector of keys (token ids) and returns the key count K (ids 2 … K+1).</summary>
    /// <exception cref="ArgumentException">It is missing, not a key vector, or its key count is unknown.</exception>
    public static int RequireTokenKeys(DataViewSchema schema, string name, string role)
    {
        var column = Find(schema, name, role);
        if (column.Type is not VectorDataViewType { ItemType: KeyDataViewType key })
        {
            throw new ArgumentException($"Column '{name}' ({role}) must be a vector of keys (the output of Transforms.Text.MapTokensToIds or Transforms.Conversion.MapValueToKey on tokens), got {column.Type}.", nameof(schema));
        }

        if (key.Count == 0 || key.Count > int.MaxValue - 2)
        {
            throw new ArgumentException($"Column '{name}' ({role}) has keys of unknown or too large count ({key.Count}); map tokens with Transforms.Text.MapTokensToIds.", nameof(schema));
        }

        return (int)key.Count;
    }

    /// <inheritdoc cref="RequireTokenKeys(DataViewSchema, string, string)"/>
    public static void RequireTokenKeys(SchemaShape schema, string name, string role)
    {
        var column = Find(schema, name, role);
        if (column.Kind == SchemaShape.Column.VectorKind.Scalar || !column.IsKey)
        {
            throw new ArgumentException($"Column '{name}' ({role}) must be a vector of keys (the output of Transforms.Text.MapTokensToIds or Transforms.Conversion.MapValueToKey on tokens), got {Describe(column)}.", nameof(schema));
        }
    }

    /// <summary>Requires a scalar key column (a label mapped by <c>MapValueToKey</c>) and returns its class count.</summary>
    /// <exception cref="ArgumentException">It is missing, not a scalar key, or has fewer than two classes.</exception>
    public static int RequireLabelKey(DataViewSchema schema, string name)
    {
        var column = Find(schema, name, "the label");
        if (column.Type is not KeyDataViewType key)
        {
            throw new ArgumentException($"Column '{name}' (the label) must be a key: add ml.Transforms.Conversion.MapValueToKey(\"{name}\") before the trainer, as for ML.NET's multiclass trainers. Got {column.Type}.", nameof(schema));
        }

        if (key.Count < 2 || key.Count > 1_000_000)
        {
            throw new ArgumentException($"Column '{name}' (the label) has {key.Count} classes; a classifier needs between 2 and 1,000,000.", nameof(schema));
        }

        return (int)key.Count;
    }

    /// <inheritdoc cref="RequireLabelKey(DataViewSchema, string)"/>
    public static void RequireLabelKey(SchemaShape schema, string name)
    {
        var column = Find(schema, name, "the label");
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || !column.IsKey)
        {
            throw new ArgumentException($"Column '{name}' (the label) must be a key: add ml.Transforms.Conversion.MapValueToKey(\"{name}\") before the trainer, as for ML.NET's multiclass trainers. Got {Describe(column)}.", nameof(schema));
        }
    }

    /// <summary>The key values of a key (or key-vector) column as text, in key order; "1", "2", … when it has none.</summary>
    public static string[] KeyValues(DataViewSchema.Column column)
    {
        var key = (KeyDataViewType)(column.Type is VectorDataViewType v ? v.ItemType : column.Type);
        int count = (int)key.Count;
        var annotation = column.Annotations.Schema.GetColumnOrNull("KeyValues");
        if (annotation is null)
        {
            return [.. Enumerable.Range(1, count).Select(k => k.ToString(CultureInfo.InvariantCulture))];
        }

        var itemType = ((VectorDataViewType)annotation.Value.Type).ItemType.RawType;
        string[] values = itemType == typeof(ReadOnlyMemory<char>)
            ? Read<ReadOnlyMemory<char>>(column, m => m.ToString())
            : itemType == typeof(float) ? Read<float>(column, f => f.ToString("R", CultureInfo.InvariantCulture))
            : itemType == typeof(double) ? Read<double>(column, f => f.ToString("R", CultureInfo.InvariantCulture))
            : itemType == typeof(bool) ? Read<bool>(column, b => b ? "true" : "false")
            : itemType == typeof(int) ? Read<int>(column, n => n.ToString(CultureInfo.InvariantCulture))
            : itemType == typeof(long) ? Read<long>(column, n => n.ToString(CultureInfo.InvariantCulture))
            : itemType == typeof(uint) ? Read<uint>(column, n => n.ToString(CultureInfo.InvariantCulture))
            : [.. Enumerable.Range(1, count).Select(k => k.ToString(CultureInfo.InvariantCulture))];
        if (values.Length != count)
        {
            throw new ArgumentException($"Column '{column.Name}' has {count} keys but {values.Length} key values.");
        }

        return values;
    }

    private static string[] Read<T>(DataViewSchema.Column column, Func<T, string> format)
    {
        VBuffer<T> buffer = default;
        column.GetKeyValues(ref buffer);
        return [.. buffer.DenseValues().Select(v => format(v))];
    }

    private static string Describe(SchemaShape.Column column) => column.Kind switch
    {
        SchemaShape.Column.VectorKind.Scalar => column.IsKey ? $"Key<{column.ItemType}>" : column.ItemType.ToString() ?? "?",
        _ => $"Vector<{(column.IsKey ? $"Key<{column.ItemType}>" : column.ItemType.ToString())}>",
    };
}
