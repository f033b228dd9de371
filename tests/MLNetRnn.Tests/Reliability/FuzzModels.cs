using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.Onnx;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// Real files to mutate, made once per test class: a small sentiment classifier and a small encoder–decoder trained on
/// the shipped data and saved by <c>SaveAtomically</c> (sealed), the same classifier saved by ML.NET's own <c>Save</c>
/// (unsealed), and the ONNX graphs inside them.
/// </summary>
public sealed class FuzzModels : IDisposable
{
    public FuzzModels()
    {
        Folder = Directory.CreateTempSubdirectory("mlnetrnn-fuzz-").FullName;
        var ml = new MLContext(seed: 1);
        var train = Sentiment.Load(ml, "train.tsv", take: 120);
        var classifier = Sentiment.Pipeline(ml, new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 8, HiddenSize = 8, Epochs = 1, Bidirectional = true })
            .Fit(train);
        ClassifierZip = Path.Combine(Folder, "classifier.zip");
        ml.Model.SaveAtomically(classifier, train.Schema, ClassifierZip);
        UnsealedZip = Path.Combine(Folder, "unsealed.zip");
        ml.Model.Save(classifier, train.Schema, UnsealedZip);
        ClassifierGraph = ModelZip.Read(ClassifierZip).Graphs.Single(g => g.Model.MetadataValue(OnnxMetadata.Kind) == OnnxMetadata.ClassifierKind).Bytes;

        // A checkpoint written in the middle of the second epoch (so it holds the epoch's batch plan) by a cancelled run.
        CheckpointFile = Path.Combine(Folder, "run.ckpt");
        using (var stop = new CancellationTokenSource())
        {
            var options = new SequenceClassificationOptions
            {
                FeatureColumnName = "Ids", EmbeddingSize = 8, HiddenSize = 8, Epochs = 2, BatchSize = 16, Seed = 1,
                Checkpoint = new MLNetRnn.Training.CheckpointSettings { Path = CheckpointFile, EverySteps = 2 },
                CancellationToken = stop.Token,
                AfterStep = (epoch, step) =>
                {
                    if (epoch == 2 && step == 3)
                    {
                        stop.Cancel();
                    }
                },
            };
            Assert.Throws<OperationCanceledException>(() => Sentiment.Pipeline(ml, options).Fit(train));
        }

        var words = File.ReadLines(Sentiment.Dataset("train.tsv")).Skip(1)
            .SelectMany(l => l.Split('\t')[0].ToLowerInvariant().Split(' '))
            .Where(w => w.Length is >= 2 and <= 6 && w.All(char.IsAsciiLetterLower)).Distinct().Take(100)
            .Select(w => new Pair { Source = w, Target = string.Join(' ', w.Reverse()) }).ToList();
        var pairs = ml.Data.LoadFromEnumerable(words);
        var seq2seq = ml.Transforms.Text.TokenizeCharacters("SourceTokens", "Source")
            .Append(ml.Transforms.Text.MapTokensToIds("SourceIds", "SourceTokens"))
            .Append(ml.SequenceToSequence.Trainers.EncoderDecoder(new SequenceToSequenceOptions
            {
                EmbeddingSize = 8, HiddenSize = 8, Epochs = 1, BatchSize = 32, BeamSize = 2, MaxOutputLength = 8, Attention = MLNetRnn.Layers.AttentionScore.General,
            }))
            .Fit(pairs);
        Seq2SeqZip = Path.Combine(Folder, "seq2seq.zip");
        ml.Model.SaveAtomically(seq2seq, pairs.Schema, Seq2SeqZip);
        Seq2SeqGraph = ModelZip.Read(Seq2SeqZip).Graphs.Single(g => g.Model.MetadataValue(OnnxMetadata.Kind) == OnnxMetadata.EncoderDecoderKind).Bytes;
    }

    public string Folder { get; }

    /// <summary>Gets a sealed classifier zip (SaveAtomically).</summary>
    public string ClassifierZip { get; }

    /// <summary>Gets the same classifier saved by ML.NET's <c>Model.Save</c>: no seal.</summary>
    public string UnsealedZip { get; }

    /// <summary>Gets a training checkpoint written mid-epoch (with its batch plan).</summary>
    public string CheckpointFile { get; }

    /// <summary>Gets a sealed encoder–decoder zip.</summary>
    public string Seq2SeqZip { get; }

    /// <summary>Gets the classifier's ONNX graph bytes as stored in the zip.</summary>
    public byte[] ClassifierGraph { get; }

    /// <summary>Gets the encoder–decoder's ONNX graph bytes.</summary>
    public byte[] Seq2SeqGraph { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    public sealed class Pair
    {
        public string Source { get; set; } = string.Empty;

        public string Target { get; set; } = string.Empty;
    }
}
