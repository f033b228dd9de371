using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using MLNetRnn.Benchmarks.Compare;
using MLNetRnn.Benchmarks.Workloads;
using MLNetRnn.Serving;

namespace MLNetRnn.Benchmarks.Serving;

/// <summary>
/// <c>serve</c>: N threads call one loaded ML.NET model zip through <c>mlContext.Model.CreateConcurrentPredictionEngine</c>
/// (a pool of prediction engines sharing the model's ONNX Runtime sessions), for N in <c>--threads</c>; reports each
/// call's latency (p50, p99), the throughput, and the process's private resident memory (Linux <c>RssAnon</c>).
/// </summary>
/// <remarks>
/// Per thread count the model is loaded afresh with a new <see cref="MLContext"/> after an aggressive garbage collection,
/// so "model loaded" is the memory the model alone adds; the pool keeps up to N engines (one per caller, so none is made
/// and dropped while the clock runs); 2 s of warm-up precede the timed window; a sampler reads the memory every 20 ms.
/// Each caller predicts the same 20-word sentence (infer-lstm's ids written as words) and gets a new output object per
/// call, as <c>compare</c>'s <c>infer-lstm-zip</c> does with one engine.
/// </remarks>
public static class ServeCommand
{
    private const double MiB = 1 << 20;

    /// <summary>Runs the command.</summary>
    /// <param name="args">The arguments after <c>serve</c>.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(ServeOptions.Usage);
            return 0;
        }

        ServeOptions options;
        try
        {
            options = ServeOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        var spec = WorkloadSpec.All.Single(w => w.Name == "infer-lstm-zip");
        string? temporary = null;
        string zip = options.ModelPath ?? Path.Combine(temporary = Directory.CreateTempSubdirectory("mlnetrnn-serve-").FullName, LatencyModel.ZipFileName);
        try
        {
            if (temporary is not null)
            {
                Console.Error.WriteLine($"Training the serving model (LSTM E {spec.EmbeddingSize}, H {spec.HiddenSize}, vocabulary {WorkloadSpec.VocabularySize:N0}) ...");
                LatencyModel.Prepare(spec, temporary);
            }

            var input = new SentenceInput { Text = LatencyModel.Sentence(spec) };
            var results = new List<ServeResult>();
            foreach (int threads in options.Threads)
            {
                results.Add(Measure(zip, input, threads, options.Seconds));
                var r = results[^1];
                Console.Error.WriteLine($"{threads,3} threads: {r.Throughput,9:N0}/s  p50 {r.P50Milliseconds:0.000} ms  p99 {r.P99Milliseconds:0.000} ms  engines {r.EnginesCreated}  model {r.ModelMiB:0.0} MiB  peak +{r.PeakMiB:0.0} MiB  kept +{r.RetainedMiB:0.0} MiB");
            }

            string setup = $"`serve` on {Path.GetFileName(zip)} ({new FileInfo(zip).Length / MiB:0.0} MiB zip), {Environment.ProcessorCount} cores, {options.Seconds:0.#} s per thread count, "
                + $"one {input.Text.Split(' ').Length}-word sentence per call; memory = private resident (RssAnon) after an aggressive GC, peak sampled every 20 ms.";
            string markdown = ServeResult.ToMarkdown(results, setup);
            Console.WriteLine();
            Console.Write(markdown);
            if (options.MarkdownPath is { } md)
            {
                File.WriteAllText(md, markdown);
            }

            if (options.JsonPath is { } json)
            {
                File.WriteAllText(json, JsonSerializer.Serialize(new { setup, results }, new JsonSerializerOptions { WriteIndented = true }));
            }

            return 0;
        }
        finally
        {
            if (temporary is not null)
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    private static ServeResult Measure(string zip, SentenceInput input, int threads, double seconds)
    {
        double before = PrivateMiB();
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(zip, out _);
        double loaded = PrivateMiB();
        using var engine = ml.Model.CreateConcurrentPredictionEngine<SentenceInput, ScoreOutput>(model, maxRetainedEngines: threads);

        Run(engine, input, threads, TimeSpan.FromSeconds(2), null);
        double peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcessMemory.PrivateResidentKilobytes / 1024.0);
                Thread.Sleep(20);
            }
        });
        sampler.Start();
        var latencies = new List<long>[threads];
        var clock = Stopwatch.StartNew();
        Run(engine, input, threads, TimeSpan.FromSeconds(seconds), latencies);
        double elapsed = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        sampler.Join();
        double retained = PrivateMiB();

        long[] all = [.. latencies.SelectMany(l => l).Order()];
        double Percentile(double p) => all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1000.0 / Stopwatch.Frequency;
        var result = new ServeResult(threads, all.Length, elapsed, Percentile(0.50), Percentile(0.99), engine.EnginesCreated,
            loaded - before, peak - loaded, retained - loaded);
        engine.Dispose();
        (model as IDisposable)?.Dispose();
        return result;
    }

    /// <summary>Runs <paramref name="threads"/> callers for <paramref name="duration"/>; each records its call times in Stopwatch ticks when asked.</summary>
    private static void Run(ConcurrentPredictionEngine<SentenceInput, ScoreOutput> engine, SentenceInput input, int threads, TimeSpan duration, List<long>[]? latencies)
    {
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var times = new List<long>(1 << 16);
            start.SignalAndWait();
            var clock = Stopwatch.StartNew();
            float sink = 0;
            while (clock.Elapsed < duration)
            {
                long begin = Stopwatch.GetTimestamp();
                sink += engine.Predict(input).Score[1];
                times.Add(Stopwatch.GetTimestamp() - begin);
            }

            GC.KeepAlive(sink);
            if (latencies is not null)
            {
                latencies[t] = times;
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
    }

    /// <summary>The process's private resident memory in MiB after an aggressive, compacting garbage collection.</summary>
    private static double PrivateMiB()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return ProcessMemory.PrivateResidentKilobytes / 1024.0;
    }
}
