using MLNetRnn.Data;
using MLNetRnn.Numerics;

namespace MLNetRnn.Pipeline;

/// <summary>
/// The entry point, as ML.NET's <c>MLContext</c>: catalogs of data loaders, transforms, trainers, evaluators and model I/O.
/// </summary>
/// <example>
/// <code>
/// var ctx = new RnnContext(seed: 1);
/// var data = ctx.Data.LoadFromTextFile&lt;Review&gt;("datasets/sentiment/train.tsv", hasHeader: true);
/// var pipeline = ctx.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
///     .Append(ctx.Transforms.Text.MapTokensToIds("Ids", "Tokens"))
///     .Append(ctx.SequenceClassification.Trainers.Lstm(labelColumnName: "Label", featureColumnName: "Ids"));
/// var model = pipeline.Fit(data);
/// </code>
/// </example>
public sealed class RnnContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="seed">The seed of every random choice (splits, initialisation, shuffling, dropout) made through this
    /// context; the same seed gives the same results on the same machine. Null picks a random seed (see <see cref="Seed"/>).</param>
    public RnnContext(int? seed = null)
    {
        Seed = seed ?? Random.Shared.Next();
        var random = new SeededRandom(Seed);
        Data = new DataCatalog(random.Fork());
        Transforms = new TransformsCatalog();
        SequenceClassification = new SequenceClassificationCatalog(Seed);
        SequenceToSequence = new SequenceToSequenceCatalog(Seed);
        Model = new ModelCatalog(Data);
    }

    /// <summary>Gets the seed in use.</summary>
    public int Seed { get; }

    /// <summary>Gets loaders, splits and conversions of data.</summary>
    public DataCatalog Data { get; }

    /// <summary>Gets the transforms (text tokenizing and id mapping).</summary>
    public TransformsCatalog Transforms { get; }

    /// <summary>Gets sequence-to-label trainers and their evaluation.</summary>
    public SequenceClassificationCatalog SequenceClassification { get; }

    /// <summary>Gets encoder–decoder trainers and their evaluation.</summary>
    public SequenceToSequenceCatalog SequenceToSequence { get; }

    /// <summary>Gets model saving, loading and prediction engines.</summary>
    public ModelCatalog Model { get; }
}
