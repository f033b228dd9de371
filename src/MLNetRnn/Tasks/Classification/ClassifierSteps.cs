using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MLNetRnn.DataViews;
using MLNetRnn.Onnx;

namespace MLNetRnn.Classification;

/// <summary>
/// The ML.NET steps a trained classifier becomes: the ONNX graph (probabilities and the arg-max label as text), then the
/// text turned into a scalar key of the label's key type, then the intermediate columns dropped.
/// </summary>
/// <remarks>
/// ML.NET's ONNX transform only produces vector columns (a rank-0 output breaks its row getters), and no ML.NET
/// transform turns a one-element vector into a scalar except hashing with <c>combine</c>. So the label text [1] is
/// hashed to a scalar key, and a value mapping with <c>treatValuesAsKeyType</c> maps each label's hash to that label as a
/// key whose values are the labels in class order, which makes it the same key type as the label column. The hash
/// seed is chosen so that the labels' hashes are distinct (checked).
/// </remarks>
internal static class ClassifierSteps
{
    private const int HashBits = 31;

    public static ITransformer Build(OnnxModel graph, IReadOnlyList<string> labels, IDataView trainingData,
        string scoreColumn, string predictedLabelColumn)
    {
        var ml = OnnxStep.Context();
        string text = TextColumn(predictedLabelColumn), hash = predictedLabelColumn + ".hash";
        for (uint seed = 314489979; ; seed++)
        {
            var hashing = new HashingEstimator.ColumnOptions(hash, text, HashBits, seed, useOrderedHashing: false, maximumNumberOfInverts: 0, combine: true);
            uint[] hashes = LabelHashes(ml, hashing, text, labels);
            if (hashes.Distinct().Count() != hashes.Length)
            {
                continue; // two labels share a hash under this seed; try the next
            }

            var pairs = hashes.Select((h, c) => new KeyValuePair<uint, string>(h, labels[c])).ToArray();
            return OnnxStep.Estimator(ml, graph)
                .Append(ml.Transforms.Conversion.Hash(hashing))
                .Append(ml.Transforms.Conversion.MapValue(predictedLabelColumn, pairs, hash, treatValuesAsKeyType: true))
                .Append(ml.Transforms.DropColumns(text, hash))
                .Fit(new EmptyDataView(trainingData.Schema)); // schema checks only: no row is read
        }
    }

    /// <summary>Temporary column names of <see cref="Build"/>'s output: the label text written by the graph.</summary>
    public static string TextColumn(string predictedLabelColumn) => predictedLabelColumn + ".text";

    private static uint[] LabelHashes(MLContext ml, HashingEstimator.ColumnOptions hashing, string column, IReadOnlyList<string> labels)
    {
        var definition = SchemaDefinition.Create(typeof(LabelRow));
        definition[0].ColumnName = column;
        definition[0].ColumnType = new VectorDataViewType(TextDataViewType.Instance, 1);
        var view = ml.Data.LoadFromEnumerable(labels.Select(l => new LabelRow { Value = [l] }), definition);
        var hashed = ml.Transforms.Conversion.Hash(hashing).Fit(view).Transform(view);
        return [.. hashed.GetColumn<uint>(hashing.Name)];
    }

    private sealed class LabelRow
    {
        public string[] Value { get; set; } = [];
    }
}
