using Microsoft.ML;
using MLNetRnn.Tagging;

namespace MLNetRnn;

/// <summary>Adds <c>mlContext.Tagging</c>, the catalog of token taggers (part of speech, names), to ML.NET's <see cref="MLContext"/>.</summary>
public static class RnnTaggingCatalog
{
    extension(MLContext mlContext)
    {
        /// <summary>Gets the tagging catalog: <c>Trainers.Lstm/Gru/Rnn(...)</c> and <c>Evaluate(...)</c>.</summary>
        public TaggingCatalog Tagging => new(mlContext);
    }
}
