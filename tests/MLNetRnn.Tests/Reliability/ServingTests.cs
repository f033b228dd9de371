using System.Collections.Concurrent;
using Microsoft.ML;
using MLNetRnn.Serving;
using MLNetRnn.Tests.SequenceToSequence;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// <see cref="ConcurrentPredictionEngine{TInput, TOutput}"/> over loaded model zips: 16 threads for 10 seconds get exactly
/// the answers one engine gives serially, the pool keeps its bound and stops at <c>Dispose</c>. Nothing here times speed.
/// </summary>
public sealed class ServingTests : IClassFixture<ServingModels>
{
    internal const int Threads = 16;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private readonly ServingModels _models;

    public ServingTests(ServingModels models) => _models = models;

    [Fact]
    public void Classifier_SixteenThreadsForTenSeconds_GiveTheSerialAnswers()
    {
        var inputs = ServingModels.Texts(300, seed: 11).Select(t => new Review { Text = t }).ToArray();
        var serial = _models.Context.Model.CreatePredictionEngine<Review, ReviewPrediction>(_models.Classifier);
        var expected = inputs.Select(r => serial.Predict(r)).ToArray();
        Assert.Equal(2, expected.Select(p => p.PredictedLabel).Distinct().Count()); // the model tells the classes apart

        using var engine = _models.Context.Model.CreateConcurrentPredictionEngine<Review, ReviewPrediction>(_models.Classifier);
        var (calls, mismatches) = Hammer(inputs.Length, i =>
        {
            var p = engine.Predict(inputs[i]);
            return p.PredictedLabel == expected[i].PredictedLabel && p.Score.AsSpan().SequenceEqual(expected[i].Score)
                ? null
                : $"input {i} '{inputs[i].Text}': {p.PredictedLabel} [{string.Join(", ", p.Score)}] vs serial {expected[i].PredictedLabel} [{string.Join(", ", expected[i].Score)}]";
        });

        Assert.True(mismatches.IsEmpty, $"{mismatches.Count} of {calls} answers differ, e.g. {string.Join("; ", mismatches.Take(3))}");
        Assert.InRange(engine.EnginesCreated, 1, calls);
    }

    [Fact]
    public void Seq2Seq_SixteenThreadsForTenSeconds_GiveTheSerialAnswers()
    {
        var inputs = ServingModels.Words(700).Skip(400).Append(string.Empty).Append("zzzzzzzzzzzzzzzzzzzz")
            .Select(w => new SequenceToSequencePipelineTests.Pair { Source = w }).ToArray();
        var serial = _models.Context.Model.CreatePredictionEngine<SequenceToSequencePipelineTests.Pair, SequenceToSequencePipelineTests.Output>(_models.Seq2Seq);
        var expected = inputs.Select(r => serial.Predict(r)).ToArray();

        using var engine = _models.Context.Model.CreateConcurrentPredictionEngine<SequenceToSequencePipelineTests.Pair, SequenceToSequencePipelineTests.Output>(_models.Seq2Seq);
        var (calls, mismatches) = Hammer(inputs.Length, i =>
        {
            var p = engine.Predict(inputs[i]);
            return p.PredictedTokens.SequenceEqual(expected[i].PredictedTokens) && p.Score.AsSpan().SequenceEqual(expected[i].Score)
                ? null
                : $"input {i} '{inputs[i].Source}': [{string.Join(' ', p.PredictedTokens)}] {p.Score[0]} vs serial [{string.Join(' ', expected[i].PredictedTokens)}] {expected[i].Score[0]}";
        });

        Assert.True(mismatches.IsEmpty, $"{mismatches.Count} of {calls} answers differ, e.g. {string.Join("; ", mismatches.Take(3))}");
    }

    [Fact]
    public void ManyCallers_KeepAtMostTheBound_AndDisposeEndsIt()
    {
        var engine = _models.Context.Model.CreateConcurrentPredictionEngine<Review, ReviewPrediction>(_models.Classifier, maxRetainedEngines: 3);
        Assert.Equal(1, engine.EnginesCreated); // made at once, so a mismatch fails at creation
        Assert.Equal(1, engine.RetainedEngines);
        string expected = engine.Predict(new Review { Text = "one two seven" }).PredictedLabel;
        var answers = new ConcurrentBag<string>();
        RunThreads(_ =>
        {
            var output = new ReviewPrediction();
            for (int k = 0; k < 50; k++)
            {
                engine.Predict(new Review { Text = "one two seven" }, ref output);
                answers.Add(output.PredictedLabel);
            }
        });

        Assert.Equal(Threads * 50, answers.Count);
        Assert.All(answers, a => Assert.Equal(expected, a));

        Assert.InRange(engine.RetainedEngines, 1, 3);
        Assert.InRange(engine.EnginesCreated, 2, Threads * 50);
        engine.Dispose();
        Assert.Equal(0, engine.RetainedEngines);
        Assert.Throws<ObjectDisposedException>(() => engine.Predict(new Review { Text = "one" }));
        Assert.Equal("yes", _models.Context.Model.CreatePredictionEngine<Review, ReviewPrediction>(_models.Classifier).Predict(new Review { Text = "seven" }).PredictedLabel); // the model lives on
    }

    [Fact]
    public void MLNetsDefaultEngine_DisposesTheModelWithIt_WhichIsWhyThePoolsEnginesDoNotOwnIt()
    {
        // ML.NET issue 5945: CreatePredictionEngine(model) makes an engine that owns the model, so its Dispose disposes the
        // model's ONNX Runtime sessions and every other engine over that model fails (a native crash while one is running).
        var ml = new MLContext(seed: 4);
        var model = ml.Model.Load(_models.ClassifierPath, out _);
        var keep = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model, new PredictionEngineOptions { OwnsTransformer = false });
        float[] before = keep.Predict(new Review { Text = "one seven" }).Score;

        using (var pool = ml.Model.CreateConcurrentPredictionEngine<Review, ReviewPrediction>(model, maxRetainedEngines: 1))
        {
            RunThreads(_ => pool.Predict(new Review { Text = "two" })); // surplus engines are disposed as calls end
        }

        Assert.Equal(before, keep.Predict(new Review { Text = "one seven" }).Score);
        ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model).Dispose(); // ML.NET's default engine
        Assert.ThrowsAny<Exception>(() => keep.Predict(new Review { Text = "one seven" }));
    }

    [Fact]
    public void Create_ClassesThatDoNotFitTheModel_ThrowsAtCreation()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _models.Context.Model.CreateConcurrentPredictionEngine<NoText, ReviewPrediction>(_models.Classifier));
        Assert.Contains("Could not find input column 'Text'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NoRetainedEngines_SaysHowManyToKeep()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _models.Context.Model.CreateConcurrentPredictionEngine<Review, ReviewPrediction>(_models.Classifier, maxRetainedEngines: 0));
        Assert.Contains("maxRetainedEngines is 0", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs <paramref name="check"/> from <see cref="Threads"/> threads for <see cref="Duration"/>, each thread walking the
    /// inputs from its own offset; returns the number of calls and the mismatches (a check returns null when it matched).
    /// </summary>
    private static (long Calls, ConcurrentQueue<string> Mismatches) Hammer(int inputs, Func<int, string?> check)
    {
        var mismatches = new ConcurrentQueue<string>();
        long calls = 0;
        RunThreads(t =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (long k = 0; clock.Elapsed < Duration; k++)
            {
                if (check((int)((t * 7919 + k) % inputs)) is { } mismatch)
                {
                    mismatches.Enqueue(mismatch);
                }

                Interlocked.Increment(ref calls);
            }
        });
        Assert.True(calls >= Threads, $"only {calls} calls in {Duration.TotalSeconds} s");
        return (calls, mismatches);
    }

    /// <summary>Runs <paramref name="body"/>(thread index) on <see cref="Threads"/> threads started together; fails with the first exception any thread threw.</summary>
    internal static void RunThreads(Action<int> body)
    {
        var failures = new ConcurrentQueue<Exception>();
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                body(t);
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.True(failures.IsEmpty, $"{failures.Count} threads failed: {failures.FirstOrDefault()}");
    }

    public sealed class NoText
    {
        public string Body { get; set; } = string.Empty;

        public string Label { get; set; } = string.Empty;
    }
}
