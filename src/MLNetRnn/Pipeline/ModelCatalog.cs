using MLNetRnn.Data;

namespace MLNetRnn.Pipeline;

/// <summary>Saving and loading fitted pipelines as one <c>.zip</c>, and prediction engines for apps.</summary>
public sealed class ModelCatalog
{
    private readonly DataCatalog _data;

    internal ModelCatalog(DataCatalog data) => _data = data;

    /// <summary>
    /// Writes a fitted pipeline to one <c>.zip</c> (manifest, per-component config, tensors as <c>.npy</c> under PyTorch
    /// <c>state_dict</c> names, vocabularies and labels as text). The file is written under a temporary name and renamed,
    /// so an existing model is never left half-overwritten.
    /// </summary>
    /// <param name="model">The fitted pipeline (a chain or a single transformer).</param>
    /// <param name="inputSchema">The columns the pipeline reads (for example <c>data.Schema</c>), recorded in the manifest; may be null.</param>
    /// <param name="filePath">Where to write; the folder must exist.</param>
    /// <exception cref="NotSupportedException">A step is not an MLNetRnn transformer.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(ITransformer model, DataViewSchema? inputSchema, string filePath) => ModelFile.Save(model, inputSchema, filePath);

    /// <summary>Writes a fitted pipeline without recording its input schema.</summary>
    /// <param name="model">The fitted pipeline.</param>
    /// <param name="filePath">Where to write.</param>
    /// <exception cref="NotSupportedException">A step is not an MLNetRnn transformer.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(ITransformer model, string filePath) => ModelFile.Save(model, null, filePath);

    /// <summary>Reads a model file written by <see cref="Save(ITransformer, DataViewSchema?, string)"/>.</summary>
    /// <param name="filePath">The <c>.zip</c>.</param>
    /// <param name="inputSchema">The recorded input columns, or null when none were saved.</param>
    /// <returns>The pipeline (a <see cref="TransformerChain{TLastTransformer}"/> when it has several steps).</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a model, is truncated or damaged, is too new for this
    /// library, or has a missing or misshaped entry; the message says which and what to do.</exception>
    public ITransformer Load(string filePath, out DataViewSchema? inputSchema)
    {
        var model = ModelFile.Load(filePath, out var manifest);
        inputSchema = manifest.InputSchema is null ? null : new DataViewSchema(manifest.InputSchema.Select(c => (c.Name, ParseType(c.Type))));
        return model;
    }

    /// <summary>Reads a model file.</summary>
    /// <param name="filePath">The <c>.zip</c>.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid, readable model; the message says why.</exception>
    public ITransformer Load(string filePath) => Load(filePath, out _);

    /// <summary>Reads only the manifest of a model file (format, versions, task, components, input schema).</summary>
    /// <param name="filePath">The <c>.zip</c>.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid model.</exception>
    public ModelManifest ReadManifest(string filePath) => ModelFile.ReadManifest(filePath);

    /// <summary>Creates an engine that predicts one object at a time; safe to share between threads.</summary>
    /// <typeparam name="TSrc">The input class, with properties named like the pipeline's input columns.</typeparam>
    /// <typeparam name="TDst">The output class, with properties named like output columns (for example <c>PredictedLabel</c>, <c>Score</c>).</typeparam>
    /// <param name="model">A fitted or loaded pipeline.</param>
    /// <returns>The engine.</returns>
    public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer model)
        where TSrc : class
        where TDst : class, new()
    {
        ArgumentNullException.ThrowIfNull(model);
        return new PredictionEngine<TSrc, TDst>(model, _data);
    }

    private static Type ParseType(string name) => name switch
    {
        "String" => typeof(string),
        "Single" => typeof(float),
        "Double" => typeof(double),
        "Int32" => typeof(int),
        "Int64" => typeof(long),
        "Boolean" => typeof(bool),
        "Vector<String>" => typeof(string[]),
        "Vector<Int32>" => typeof(int[]),
        "Vector<Single>" => typeof(float[]),
        _ => throw new InvalidDataException($"The model's manifest names an unknown column type '{name}'."),
    };
}
