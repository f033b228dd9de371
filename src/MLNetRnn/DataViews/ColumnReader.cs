using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRnn.DataViews;

/// <summary>Reads whole columns of an <see cref="IDataView"/> into arrays, once, for training.</summary>
internal static class ColumnReader
{
    /// <summary>The id of <c>&lt;UNK&gt;</c>, which also stands for a row with no tokens.</summary>
    public const int UnknownId = 1;

    /// <summary>
    /// Reads a key-vector column as token ids: id = key + 1, so key 0 (a token the vocabulary does not know) becomes
    /// id 1 (<c>&lt;UNK&gt;</c>) and id 0 (<c>&lt;PAD&gt;</c>) never occurs. A row with no tokens reads as one <c>&lt;UNK&gt;</c>,
    /// exactly as the exported ONNX graph reads it.
    /// </summary>
    public static int[][] TokenIds(IDataView data, string column)
    {
        var col = data.Schema[column];
        var rows = new List<int[]>();
        VBuffer<uint> keys = default;
        using var cursor = data.GetRowCursor([col]);
        var getter = cursor.GetGetter<VBuffer<uint>>(col);
        while (cursor.MoveNext())
        {
            getter(ref keys);
            rows.Add(ToIds(keys));
        }

        return [.. rows];
    }

    /// <summary>The ids of one row of keys (see <see cref="TokenIds"/>).</summary>
    public static int[] ToIds(in VBuffer<uint> keys)
    {
        if (keys.Length == 0)
        {
            return [UnknownId];
        }

        var ids = new int[keys.Length];
        int i = 0;
        foreach (uint key in keys.DenseValues())
        {
            ids[i++] = checked((int)key + 1);
        }

        return ids;
    }

    /// <summary>Reads a scalar key column as 0-based class indices (key − 1).</summary>
    /// <exception cref="ArgumentException">A row's key is 0 (a missing or unseen label); the message gives the row.</exception>
    public static int[] Classes(IDataView data, string column)
    {
        var col = data.Schema[column];
        var result = new List<int>();
        uint key = 0;
        using var cursor = data.GetRowCursor([col]);
        var getter = cursor.GetGetter<uint>(col);
        while (cursor.MoveNext())
        {
            getter(ref key);
            if (key == 0)
            {
                throw new ArgumentException($"Row {result.Count} has no label in column '{column}' (key 0: the value is empty or was not seen when the key mapping was fitted); give every row a label, or fit MapValueToKey on data that has them all.", nameof(data));
            }

            result.Add((int)key - 1);
        }

        return [.. result];
    }

    /// <summary>Reads a String column.</summary>
    public static string[] Text(IDataView data, string column)
    {
        var col = data.Schema[column];
        var result = new List<string>();
        ReadOnlyMemory<char> value = default;
        using var cursor = data.GetRowCursor([col]);
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(col);
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value.ToString());
        }

        return [.. result];
    }

    /// <summary>Reads a vector-of-String column.</summary>
    public static string[][] TextVectors(IDataView data, string column)
    {
        var col = data.Schema[column];
        var result = new List<string[]>();
        VBuffer<ReadOnlyMemory<char>> value = default;
        using var cursor = data.GetRowCursor([col]);
        var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(col);
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add([.. value.DenseValues().Select(m => m.ToString())]);
        }

        return [.. result];
    }
}
