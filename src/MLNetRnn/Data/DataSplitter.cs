using MLNetRnn.Numerics;

namespace MLNetRnn.Data;

/// <summary>The shuffling and stratified splitting behind <see cref="DataCatalog.TrainTestSplit(DataView, double, string?, int?)"/>.</summary>
internal static class DataSplitter
{
    private static readonly object NullKey = new();

    /// <summary>
    /// Shuffles each group (all rows, or one group per distinct value of the stratification column, in order of first
    /// appearance), sends the first round(n · f) rows of each group to the test set, and keeps both sets in row order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The stratification column does not exist.</exception>
    /// <exception cref="ArgumentException">The stratification column is not String, Int32 or Boolean.</exception>
    public static TrainTestData Split(DataView data, double testFraction, string? stratificationColumnName, SeededRandom random)
    {
        List<List<int>> groups = stratificationColumnName is null ? [Enumerable.Range(0, data.RowCount).ToList()] : Group(data, stratificationColumnName);
        var train = new List<int>(data.RowCount);
        var test = new List<int>();
        foreach (var group in groups)
        {
            int[] rows = [.. group];
            random.Shuffle<int>(rows);
            int testCount = (int)Math.Round(rows.Length * testFraction, MidpointRounding.AwayFromZero);
            test.AddRange(rows.AsSpan(0, testCount));
            train.AddRange(rows.AsSpan(testCount));
        }

        train.Sort();
        test.Sort();
        return new TrainTestData(data.SelectRows(train), data.SelectRows(test));
    }

    private static List<List<int>> Group(DataView data, string name)
    {
        var column = data.Schema[name];
        if (column.Type != typeof(string) && column.Type != typeof(int) && column.Type != typeof(bool))
        {
            throw new ArgumentException(
                $"Stratification column '{name}' is {DataViewSchema.TypeName(column.Type)}; it must be String, Int32 or Boolean, such as the label column.",
                "stratificationColumnName");
        }

        var values = data.GetColumn(name);
        var byValue = new Dictionary<object, List<int>>();
        var groups = new List<List<int>>();
        for (int r = 0; r < data.RowCount; r++)
        {
            object key = values.GetValue(r) ?? NullKey;
            if (!byValue.TryGetValue(key, out var group))
            {
                group = [];
                byValue.Add(key, group);
                groups.Add(group);
            }

            group.Add(r);
        }

        return groups;
    }
}
