// Shared by examples/PartOfSpeechTagging and examples/NameTagging (NameTagging.csproj links this file).
using Microsoft.ML;
using MLNetRnn.Text;

/// <summary>One sentence: its tokens and (for training and evaluation) one gold tag per token.</summary>
internal sealed class Sentence
{
    public string[] Tokens { get; set; } = [];

    public string[] Tags { get; set; } = [];

    public static Sentence From(TaggedSentence s) => new() { Tokens = [.. s.Tokens], Tags = [.. s.Tags] };

    /// <summary>The train, validation and test files of a datasets/brown view as ML.NET rows (and the test sentences as read).</summary>
    public static (IDataView Train, IDataView Validation, IReadOnlyList<TaggedSentence> TestSentences, IDataView Test) LoadSplits(MLContext ml, string folder)
    {
        IReadOnlyList<TaggedSentence> Read(string split) => ConllReader.Load(Path.Combine(folder, split + ".conll"));
        IDataView View(IReadOnlyList<TaggedSentence> sentences) => ml.Data.LoadFromEnumerable(sentences.Select(From));
        var test = Read("test");
        return (View(Read("train")), View(Read("validation")), test, View(test));
    }
}

/// <summary>What the prediction engine fills in: one tag per token.</summary>
internal sealed class TaggedSentencePrediction
{
    public string[] PredictedTags { get; set; } = [];
}

/// <summary>Prints one line per epoch, on the training thread.</summary>
internal sealed class ConsoleProgress : IProgress<MLNetRnn.Training.TrainingProgress>
{
    public void Report(MLNetRnn.Training.TrainingProgress p) =>
        Console.WriteLine($"epoch {p.Epoch,2}/{p.Epochs}: loss {p.TrainingLoss:F4}, validation loss {p.ValidationLoss:F4}, accuracy {p.ValidationAccuracy:P2}, {p.TokensPerSecond:N0} tokens/s{(p.IsBest ? "  (best so far)" : string.Empty)}");
}
