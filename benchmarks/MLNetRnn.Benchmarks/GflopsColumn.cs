using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace MLNetRnn.Benchmarks;

/// <summary>
/// A BenchmarkDotNet column with GFLOP/s = FLOPs per operation ÷ mean time. The FLOPs come from a public static method
/// <c>double Flops(string method, IReadOnlyDictionary&lt;string, object?&gt; parameters)</c> on the benchmark class;
/// classes without one (or returning 0) show "–".
/// </summary>
public sealed class GflopsColumn : IColumn
{
    /// <inheritdoc/>
    public string Id => nameof(GflopsColumn);

    /// <inheritdoc/>
    public string ColumnName => "GFLOP/s";

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => 0;

    /// <inheritdoc/>
    public bool IsNumeric => true;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend => "Floating-point operations per second of the matrix products (see each class's Flops method), from the mean";

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        var flopsMethod = benchmarkCase.Descriptor.Type.GetMethod("Flops", BindingFlags.Public | BindingFlags.Static);
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (flopsMethod is null || meanNs is not > 0)
        {
            return "–";
        }

        var parameters = benchmarkCase.Parameters.Items.ToDictionary(p => p.Name, p => p.Value);
        double flops = (double)flopsMethod.Invoke(null, [benchmarkCase.Descriptor.WorkloadMethod.Name, parameters])!;
        return flops <= 0 ? "–" : (flops / meanNs.Value).ToString("0.0", CultureInfo.InvariantCulture); // FLOP/ns = GFLOP/s
    }

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;
}
