using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNetRnn.Tests.Reliability;

/// <summary>Tests that measure the whole process's memory: they run alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAlone
{
    public const string Name = "measured alone";
}

/// <summary>
/// Memory of serving: engines made from one loaded model share its weights (ONNX Runtime holds them once), and 100,000
/// predictions from 16 threads leave the managed heap and the process's private memory flat.
/// </summary>
[Collection(MeasuredAlone.Name)]
public sealed class ServingMemoryTests : IClassFixture<ServingModels>
{
    private const long MiB = 1 << 20;
    private readonly ServingModels _models;
    private readonly ITestOutputHelper _output;

    public ServingMemoryTests(ServingModels models, ITestOutputHelper output)
    {
        _models = models;
        _output = output;
    }

    [Fact]
    public void HundredThousandPredictions_OnSixteenThreads_KeepMemoryFlat()
    {
        const int phases = 10, perPhase = 10_000;
        var inputs = ServingModels.Texts(500, seed: 21).Select(t => new Review { Text = t }).ToArray();
        using var engine = _models.Context.Model.CreateConcurrentPredictionEngine<Review, ReviewPrediction>(_models.Classifier);
        var checkpoints = new List<(long Managed, long Private)>();
        long done = 0;
        for (int phase = 0; phase < phases; phase++)
        {
            ServingTests.RunThreads(t =>
            {
                var output = new ReviewPrediction();
                for (int k = t; k < perPhase; k += ServingTests.Threads)
                {
                    if (k % 2 == 0)
                    {
                        engine.Predict(inputs[(phase * perPhase + k) % inputs.Length], ref output); // reusing the output
                    }
                    else
                    {
                        output = engine.Predict(inputs[(phase * perPhase + k) % inputs.Length]); // a new output each call
                    }

                    Assert.NotEmpty(output.Score);
                    Interlocked.Increment(ref done);
                }
            });
            checkpoints.Add(Memory());
            _output.WriteLine($"{done,7:N0} predictions: managed {checkpoints[^1].Managed / (double)MiB:F1} MiB, private {checkpoints[^1].Private / (double)MiB:F1} MiB, engines made {engine.EnginesCreated}");
        }

        Assert.Equal(phases * perPhase, done);

        // After the first 10,000 (warm-up: JIT, ONNX Runtime's arenas, a buffer per engine at its longest input) nothing
        // may grow: a leak of 100 bytes a prediction is 9 MB over the other 90,000; of 1 KB, 86 MB.
        var (baseManaged, basePrivate) = checkpoints[0];
        long managedGrowth = checkpoints.Skip(1).Max(c => c.Managed) - baseManaged;
        long privateGrowth = checkpoints.Skip(1).Max(c => c.Private) - basePrivate;
        Assert.True(managedGrowth < 4 * MiB, $"the managed heap grew by {managedGrowth / (double)MiB:F1} MiB over 90,000 predictions");
        Assert.True(privateGrowth < 48 * MiB, $"private memory grew by {privateGrowth / (double)MiB:F1} MiB over 90,000 predictions");
    }

    [Fact]
    public void SixteenEnginesOverOneModel_CostLessThanLoadingItAgain_TheWeightsAreShared()
    {
        // Embedding 8,000 × 512 floats: 16 MiB of weights, so a copy per engine (256 MiB for 16) could not hide.
        string dir = Directory.CreateTempSubdirectory("mlnetrnn-shared-").FullName;
        try
        {
            string zip = Path.Combine(dir, "wide.zip");
            TrainWide(zip);
            var ml = new MLContext(seed: 3);
            var model = ml.Model.Load(zip, out _);
            var input = new Review { Text = "w1 w2 w3 w4 w5 w6 w7 w8" };
            var first = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model);
            float[] expected = first.Predict(input).Score;
            var before = Memory();

            var engines = Enumerable.Range(0, 16).Select(_ => ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model)).ToList();
            Assert.All(engines, e => Assert.Equal(expected, e.Predict(input).Score));
            var withEngines = Memory();

            var again = ml.Model.Load(zip, out _);
            var other = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(again);
            Assert.Equal(expected, other.Predict(input).Score);
            var withSecondModel = Memory();

            long sixteenEngines = withEngines.Private - before.Private;
            long oneMoreLoad = withSecondModel.Private - withEngines.Private;
            _output.WriteLine($"16 engines: +{sixteenEngines / (double)MiB:F1} MiB; loading the model again: +{oneMoreLoad / (double)MiB:F1} MiB");
            Assert.True(oneMoreLoad > 12 * MiB, $"loading the 16 MiB model again added only {oneMoreLoad / (double)MiB:F1} MiB: the measurement does not see weights");
            Assert.True(sixteenEngines < oneMoreLoad / 4, $"16 engines added {sixteenEngines / (double)MiB:F1} MiB, a second copy of the model {oneMoreLoad / (double)MiB:F1} MiB");
            GC.KeepAlive(engines);
            engines.ForEach(e => e.Dispose());
            (again as IDisposable)?.Dispose();
            (model as IDisposable)?.Dispose();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The managed heap after a full collection, and the process's private resident memory (Linux RssAnon; elsewhere private bytes).</summary>
    internal static (long Managed, long Private) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true); // gives free pages back, so RSS is what is live
        long managed = GC.GetTotalMemory(forceFullCollection: false);
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (string line in File.ReadLines(status))
            {
                if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    return (managed, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024);
                }
            }
        }

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return (managed, process.PrivateMemorySize64);
    }

    private static void TrainWide(string zip)
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 400).Select(r => new Review
        {
            Text = string.Join(' ', Enumerable.Range(r * 20, 20).Select(k => $"w{k}")),
            Label = r % 2 == 0 ? "no" : "yes",
        });
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Text.TokenizeWords("Tokens", "Text"))
            .Append(ml.Transforms.Text.MapTokensToIds("Ids", "Tokens"))
            .Append(ml.MulticlassClassification.Trainers.Lstm(new SequenceClassificationOptions
        {
            FeatureColumnName = "Ids", EmbeddingSize = 512, HiddenSize = 8, Epochs = 1, Seed = 1,
        })).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(data);
        ml.Model.Save(model, data.Schema, zip);
    }
}
