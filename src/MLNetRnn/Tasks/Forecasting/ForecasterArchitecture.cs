using MLNetRnn.Layers;

namespace MLNetRnn.Forecasting;

/// <summary>The shape of a recurrent forecaster: everything needed to rebuild it before loading its weights.</summary>
/// <param name="CellType">The recurrent cell.</param>
/// <param name="InputSize">F, features per step (target, covariates, calendar).</param>
/// <param name="HiddenSize">H.</param>
/// <param name="NumberOfLayers">L.</param>
/// <param name="Dropout">Dropout between recurrent layers in training.</param>
/// <param name="Window">N, steps read.</param>
/// <param name="Horizon">K, steps forecast at once.</param>
public sealed record ForecasterArchitecture(
    RecurrentCellType CellType,
    int InputSize,
    int HiddenSize,
    int NumberOfLayers,
    float Dropout,
    int Window,
    int Horizon);
