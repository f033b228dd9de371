// Grapheme-to-phoneme conversion (spelling -> pronunciation) on the CMU Pronouncing Dictionary: a character-level
// bidirectional LSTM encoder, an LSTM decoder with Luong "general" attention, teacher forcing, learning-rate halving
// and early stopping on validation loss; then phone error rate and word accuracy on the held-out test words, greedy vs beam 5.
//
// Run from the repository root:  dotnet run --project examples/GraphemeToPhoneme -c Release [-- --quick]
// Budget: at most 25 epochs over 60,000 words (early stopping ended at 18, 11 minutes on a loaded 2-core machine).
using System.Diagnostics;
using MLNetRnn.Layers;
using MLNetRnn.Models;
using MLNetRnn.Pipeline;

bool quick = args.Contains("--quick");
string data = Path.Combine("datasets", "cmudict");
string modelPath = Path.Combine("artifacts", "g2p.zip");
Directory.CreateDirectory("artifacts");

var ctx = new RnnContext(seed: 1);
var train = ctx.Data.LoadFromTextFile<Entry>(Path.Combine(data, "train.tsv"), hasHeader: true);
var validation = ctx.Data.LoadFromTextFile<Entry>(Path.Combine(data, "validation.tsv"), hasHeader: true);
var test = ctx.Data.LoadFromTextFile<Entry>(Path.Combine(data, "test.tsv"), hasHeader: true);
if (quick)
{
    train = train.SelectRows(Enumerable.Range(0, 3000).ToArray());
}

Console.WriteLine($"train {train.RowCount}, validation {validation.RowCount}, test {test.RowCount} words");
var options = new SequenceToSequenceOptions
{
    SourceColumnName = "SourceIds",
    TargetColumnName = nameof(Entry.Target),
    TargetLevel = TokenLevel.Word,          // phones are space-separated
    EmbeddingSize = 64,
    HiddenSize = 128,                       // encoder per direction; the decoder gets 2 x 128
    Bidirectional = true,
    Attention = AttentionScore.General,
    Dropout = 0.3f,
    Epochs = quick ? 4 : 25,
    BatchSize = 64,
    LearningRate = 0.002f,
    ValidationSet = validation,
    LearningRateDecay = 0.5f,               // on a validation plateau: back to the best weights, half the step size
    EarlyStoppingPatience = 4,
    BeamSize = 5,
    MaxOutputLength = 30,
    Progress = new ConsoleProgress(),
};
var pipeline = ctx.Transforms.Text.TokenizeIntoCharacters("SourceTokens", nameof(Entry.Source))
    .Append(ctx.Transforms.Text.MapTokensToIds("SourceIds", "SourceTokens"))
    .Append(ctx.SequenceToSequence.Trainers.EncoderDecoder(options));

var clock = Stopwatch.StartNew();
var model = pipeline.Fit(train);
Console.WriteLine($"trained in {clock.Elapsed.TotalMinutes:F1} min, {model.LastTransformer.ParameterCount:N0} parameters");

foreach (int beam in new[] { 1, 5 })
{
    clock.Restart();
    var decoder = new TransformerChain<SequenceToSequenceModel>([.. model.Transformers.Take(2), model.LastTransformer.WithDecoding(new DecodingSettings(beam, 30, 1f))]);
    var metrics = ctx.SequenceToSequence.Evaluate(decoder.Transform(test));
    Console.WriteLine($"{(beam == 1 ? "greedy" : $"beam {beam}"),-7} phone error rate {metrics.TokenErrorRate:P2}, word accuracy {metrics.ExactMatch:P2}, BLEU {metrics.Bleu:F1} ({clock.Elapsed.TotalSeconds:F1} s for {metrics.Count} words)");
}

ctx.Model.Save(model, train.Schema, modelPath);
var loaded = (TransformerChain<ITransformer>)ctx.Model.Load(modelPath);
var g2p = (SequenceToSequenceModel)loaded.Transformers[^1];
var ids = (MLNetRnn.Transforms.TokenToIdTransformer)loaded.Transformers[1];
foreach (string word in new[] { "rnn", "pytorch", "dotnet", "quixotic" })
{
    var nbest = g2p.Decode(ids.Vocabulary.Encode(word.Select(c => c.ToString()).ToArray()), beamSize: 5, nBest: 2);
    Console.WriteLine($"{word,-10} {nbest[0].Text,-28} (runner-up: {nbest[1].Text})");
}

Console.WriteLine($"saved {Path.GetFullPath(modelPath)}");

/// <summary>A row of the CMUdict files: a word and its phones.</summary>
internal sealed class Entry
{
    public string Source { get; set; } = string.Empty;

    public string Target { get; set; } = string.Empty;
}

/// <summary>Prints one line per epoch.</summary>
internal sealed class ConsoleProgress : IProgress<MLNetRnn.Training.TrainingProgress>
{
    public void Report(MLNetRnn.Training.TrainingProgress p) =>
        Console.WriteLine($"epoch {p.Epoch,2}/{p.Epochs}: loss {p.TrainingLoss:F4}, validation loss {p.ValidationLoss:F4}, {p.TokensPerSecond:N0} tokens/s, {p.Elapsed.TotalMinutes:F1} min{(p.IsBest ? "  (best so far)" : string.Empty)}");
}
