using MLNetRnn.Forecasting;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;

namespace MLNetRnn.Tests.Forecasting;

/// <summary>Untrained forecasters with a consistent layout (daily dates, one covariate), for graph-level tests.</summary>
internal static class ForecasterGraphs
{
    public static (ForecasterNetwork Network, ForecastLayout Layout) Random(RecurrentCellType cell, int layers, int horizon, int window = 4)
    {
        string[] names = ["Value", "Covariate", .. ForecastCalendar.FeatureNames(ForecastSpacing.Daily)];
        var layout = new ForecastLayout("Value", ["Covariate"], "Date", ForecastSpacing.Daily, window, horizon, 7, false, names,
            [.. names.Select((_, i) => i < 2 ? 10f + i : 0f)], [.. names.Select((_, i) => i < 2 ? 2f + i : 1f)], new float[366], "Window", "Forecast");
        var network = new ForecasterNetwork(new ForecasterArchitecture(cell, names.Length, 5, layers, 0f, window, horizon), new SeededRandom(4));
        return (network, layout);
    }
}
