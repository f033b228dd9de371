using Microsoft.ML;
using MLNetRnn.SequenceToSequence;

namespace MLNetRnn;

/// <summary>Adds <c>mlContext.SequenceToSequence</c>, the catalog of encoder–decoder models, to ML.NET's <see cref="MLContext"/>.</summary>
public static class RnnSequenceToSequenceCatalog
{
    extension(MLContext mlContext)
    {
        /// <summary>Gets the sequence-to-sequence catalog: <c>Trainers.EncoderDecoder(...)</c> and <c>Evaluate(...)</c>.</summary>
        public SequenceToSequenceCatalog SequenceToSequence => new(mlContext);
    }
}
