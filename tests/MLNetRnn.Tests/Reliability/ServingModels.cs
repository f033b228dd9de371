using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.Layers;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Tests.SequenceToSequence;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// A small trained classifier and encoder–decoder, each saved with <c>Model.Save</c> and loaded back with a fresh
/// <see cref="MLContext"/>, as a serving app gets them; plus the inputs the serving tests send.
/// </summary>
public sealed class ServingModels : IDisposable
{
    public ServingModels()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("mlnetrnn-serving-").FullName;
        var ml = new MLContext(seed: 1);

        var reviews = Synthetic.Load(ml, 300, seed: 3);
        var classifier = Sentiment.Pipeline(ml, new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 12, HiddenSize = 12, Epochs = 3, Bidirectional = true, Seed = 1 })
            .Fit(reviews);
        ClassifierPath = Path.Combine(Directory, "classifier.zip");
        ml.Model.Save(classifier, reviews.Schema, ClassifierPath);

        var pairs = Words(400).Select(w => new SequenceToSequencePipelineTests.Pair { Source = w, Target = string.Join(' ', w.Reverse()) }).ToArray();
        var pairData = ml.Data.LoadFromEnumerable(pairs);
        var options = new SequenceToSequenceOptions
        {
            EmbeddingSize = 8, HiddenSize = 16, Epochs = 3, BatchSize = 32, LearningRate = 0.01f, BeamSize = 3, MaxOutputLength = 12,
            Attention = AttentionScore.General, Seed = 1,
        };
        var seq2seq = SequenceToSequencePipelineTests.Trained.Pipeline(ml, options).Fit(pairData);
        Seq2SeqPath = Path.Combine(Directory, "seq2seq.zip");
        ml.Model.Save(seq2seq, pairData.Schema, Seq2SeqPath);

        Context = new MLContext(seed: 2);
        Classifier = Context.Model.Load(ClassifierPath, out _);
        Seq2Seq = Context.Model.Load(Seq2SeqPath, out _);
    }

    public string Directory { get; }

    public string ClassifierPath { get; }

    public string Seq2SeqPath { get; }

    /// <summary>The context the models were loaded with, as one serving app has.</summary>
    public MLContext Context { get; }

    public ITransformer Classifier { get; }

    public ITransformer Seq2Seq { get; }

    /// <summary>Texts of 0 to 40 words: known and unknown words, empty and whitespace-only texts, punctuation.</summary>
    public static string[] Texts(int count, int seed)
    {
        var rows = Synthetic.Rows(count, seed).Select(r => r.Text).ToArray();
        for (int i = 0; i < rows.Length; i += 7)
        {
            rows[i] = (i % 4) switch
            {
                0 => string.Empty,
                1 => "   ",
                2 => rows[i] + ", zyzzyva quokka!",
                _ => string.Join(' ', Enumerable.Repeat(rows[i], 4)),
            };
        }

        return rows;
    }

    /// <summary>Lower-case words of 2–6 ASCII letters from the sentiment data, in order of appearance.</summary>
    public static string[] Words(int count) =>
    [
        .. File.ReadLines(Sentiment.Dataset("train.tsv")).Skip(1)
            .SelectMany(l => l.Split('\t')[0].ToLowerInvariant().Split(' '))
            .Where(w => w.Length is >= 2 and <= 6 && w.All(char.IsAsciiLetterLower)).Distinct().Take(count),
    ];

    public void Dispose()
    {
        (Classifier as IDisposable)?.Dispose();
        (Seq2Seq as IDisposable)?.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
