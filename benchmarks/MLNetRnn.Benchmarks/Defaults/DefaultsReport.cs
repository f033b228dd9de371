using System.Globalization;
using System.Text;

namespace MLNetRnn.Benchmarks.Defaults;

/// <summary>One sweep run: validation accuracy of one configuration on one dataset and seed.</summary>
public sealed record SweepRun(string Config, string Dataset, int Seed, double ValidationAccuracy, int Epochs, double Seconds);

/// <summary>Phase 2 on one dataset: the default CLI's test accuracy per seed and ML.NET's baselines on the same split.</summary>
public sealed record TestResult(string Dataset, int TrainRows, int TestRows, double[] Ours, double[] OursSeconds, double Sdca, double SdcaSeconds,
    double NaiveBayes, double NaiveBayesSeconds, double Majority);

/// <summary>Collects the runs and writes the tables: mean ± sample standard deviation (and min–max) over seeds.</summary>
public sealed class DefaultsReport(int[] seeds, IReadOnlyList<SweepDataset> datasets)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Gets the sweep runs.</summary>
    public List<SweepRun> Sweep { get; } = [];

    /// <summary>Gets the test results.</summary>
    public List<TestResult> Test { get; } = [];

    /// <summary>Mean and sample standard deviation.</summary>
    public static (double Mean, double Sd) Stats(IReadOnlyCollection<double> values)
    {
        double mean = values.Average();
        double sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return (mean, sd);
    }

    /// <summary>One line per tested dataset for the console.</summary>
    public string TestLine(TestResult t)
    {
        var (mean, sd) = Stats(t.Ours);
        return string.Create(Inv, $"test {t.Dataset}: ours {mean:F4} ± {sd:F4} [{string.Join(", ", t.Ours.Select(a => a.ToString("F4", Inv)))}] in {t.OursSeconds.Average():F1} s; SDCA {t.Sdca:F4} ({t.SdcaSeconds:F1} s); NB {t.NaiveBayes:F4}; majority {t.Majority:F4}");
    }

    /// <summary>The sweep table (ranked by mean validation accuracy) and the test table, as Markdown.</summary>
    public string Markdown(IReadOnlyList<SweepConfig> grid)
    {
        var text = new StringBuilder();
        text.Append(Inv, $"Seeds {string.Join(", ", seeds)}; mean ± sample standard deviation over seeds; accuracy as a share of rows.\n\n");
        if (Sweep.Count > 0)
        {
            text.Append("### Sweep: validation accuracy (train.tsv with the held-out 10 % slice, scored on validation.tsv)\n\n");
            text.Append("| configuration | " + string.Join(" | ", datasets.Select(d => d.Name)) + " | mean | mean sd | s per run |\n");
            text.Append("|---|" + string.Concat(datasets.Select(_ => "---:|")) + "---:|---:|---:|\n");
            var ranked = grid.Where(c => Sweep.Any(r => r.Config == c.Name))
                .Select(c => (Config: c, Runs: Sweep.Where(r => r.Config == c.Name).ToList()))
                .Select(x => (x.Config, x.Runs, PerDataset: datasets.Select(d => Stats([.. x.Runs.Where(r => r.Dataset == d.Name).Select(r => r.ValidationAccuracy)])).ToList()))
                .OrderByDescending(x => x.PerDataset.Average(p => p.Mean));
            foreach (var (config, runs, perDataset) in ranked)
            {
                text.Append(Inv, $"| {config.Name} | {string.Join(" | ", perDataset.Select(p => $"{p.Mean:F4} ± {p.Sd:F4}"))} | {perDataset.Average(p => p.Mean):F4} | {perDataset.Average(p => p.Sd):F4} | {runs.Average(r => r.Seconds):F1} |\n");
            }

            text.Append("\nConfigurations:\n\n");
            foreach (var config in grid.Where(c => Sweep.Any(r => r.Config == c.Name)))
            {
                text.Append(Inv, $"- `{config.Name}`: {config.Describe()}\n");
            }

            text.Append('\n');
        }

        if (Test.Count > 0)
        {
            text.Append("### Test: the default CLI (`mlnet-rnn train classify --data train.tsv`, `--level char` for names) vs ML.NET on the same split\n\n");
            text.Append("| dataset | train / test rows | ours: mean ± sd (min–max) | ours s | FeaturizeText + SDCA | SDCA s | FeaturizeText + NaiveBayes | majority class | ours ≥ SDCA |\n");
            text.Append("|---|---:|---:|---:|---:|---:|---:|---:|:---:|\n");
            foreach (var t in Test)
            {
                var (mean, sd) = Stats(t.Ours);
                text.Append(Inv, $"| {t.Dataset} | {t.TrainRows} / {t.TestRows} | {mean:F4} ± {sd:F4} ({t.Ours.Min():F4}–{t.Ours.Max():F4}) | {t.OursSeconds.Average():F1} | {t.Sdca:F4} | {t.SdcaSeconds:F1} | {t.NaiveBayes:F4} | {t.Majority:F4} | {(mean >= t.Sdca ? "yes" : "no")} |\n");
            }
        }

        return text.ToString();
    }
}
