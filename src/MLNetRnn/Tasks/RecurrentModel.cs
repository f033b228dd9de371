using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Layers;
using MLNetRnn.Onnx;
using MLNetRnn.Training;

namespace MLNetRnn;

/// <summary>
/// What every trained MLNetRnn model is to ML.NET: an <see cref="ITransformer"/> made of ML.NET components (the network
/// as an ONNX graph run by ML.NET's ONNX transform, and ML.NET's own mappings). Transforming, schemas, prediction engines
/// and <c>mlContext.Model.Save</c> all go to those components, so a saved model holds nothing but them, and
/// <c>Model.Load</c> gives them back as a plain <c>TransformerChain</c> in any ML.NET app. The trained network is kept
/// too, for inspection and the engine-side features of each task.
/// </summary>
public abstract class RecurrentModel : ITransformer, ICanSaveModel
{
    private readonly ITransformer _steps;
    private readonly OnnxModel _graph;
    private readonly ParameterStore _parameters;

    private protected RecurrentModel(ITransformer steps, OnnxModel graph, ParameterStore parameters, IReadOnlyList<TrainingProgress> history)
    {
        _steps = steps;
        _graph = graph;
        _parameters = parameters;
        TrainingHistory = history;
    }

    /// <summary>Gets the number of trainable scalars.</summary>
    public int ParameterCount => _parameters.Count;

    /// <summary>Gets the network's parameters (the tests compare trained weights through it).</summary>
    internal ParameterStore Parameters => _parameters;

    /// <summary>Gets every tensor's PyTorch name and shape, in order.</summary>
    public IReadOnlyList<(string Name, int[] Shape)> Tensors => [.. _parameters.Parameters.Select(p => (p.Name, p.Shape.ToArray()))];

    /// <summary>
    /// A Keras-style table of the network's layers, output shapes and parameter counts with the total; print it, or read
    /// its <see cref="ModelSummary.Layers"/>.
    /// </summary>
    /// <returns>The summary, built from the tensors the network holds.</returns>
    public abstract ModelSummary Summary();

    /// <summary>Gets one report per epoch trained (loss, validation metrics, tokens/s).</summary>
    public IReadOnlyList<TrainingProgress> TrainingHistory { get; }

    /// <summary>Gets the ONNX graph of the network as saved in the model (the bytes ML.NET's ONNX transform runs).</summary>
    /// <returns>A new copy of the bytes.</returns>
    public byte[] GetOnnxModel() => _graph.ToBytes();

    /// <inheritdoc/>
    public bool IsRowToRowMapper => _steps.IsRowToRowMapper;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _steps.GetOutputSchema(inputSchema);

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _steps.GetRowToRowMapper(inputSchema);

    /// <inheritdoc/>
    public IDataView Transform(IDataView input) => _steps.Transform(input);

    /// <summary>Saves the ML.NET components this model is made of, exactly as ML.NET saves its own chains.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => _steps.Save(ctx);
}
