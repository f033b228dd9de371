using System.Diagnostics;
using MLNetRnn.Training;
using Spectre.Console;

namespace MLNetRnn.Cli;

/// <summary>
/// What every <c>train</c> subcommand does around fitting: per-epoch reports (a JSON object with <c>--json</c>, a line
/// when output is redirected, a progress bar with elapsed and remaining time and the running loss and validation metric
/// on a terminal), timing, and the final summary.
/// </summary>
internal static class TrainingRun
{
    /// <summary>Runs <paramref name="fit"/>, which must send its trainer's progress to the reporter it is given.</summary>
    public static (T Model, Stats Stats) Fit<T>(Func<IProgress<TrainingProgress>, T> fit, int epochs, bool json)
    {
        var clock = Stopwatch.StartNew();
        TrainingProgress? last = null;
        T model;
        if (json || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            model = fit(new Reporter(p =>
            {
                last = p;
                if (json)
                {
                    JsonOut.Line(new
                    {
                        epoch = p.Epoch, epochs = p.Epochs, loss = JsonOut.Round(p.TrainingLoss), validationLoss = Nullable(p.ValidationLoss),
                        validationAccuracy = Nullable(p.ValidationAccuracy), tokensPerSecond = Math.Round(p.TokensPerSecond), seconds = JsonOut.Round(p.Elapsed.TotalSeconds, 3), best = p.IsBest,
                    });
                }
                else
                {
                    Console.WriteLine($"epoch {p.Epoch}/{p.Epochs}: loss {p.TrainingLoss:F4}" + (p.ValidationLoss is { } vl ? $", validation loss {vl:F4}" : string.Empty)
                        + (p.ValidationAccuracy is { } va ? ", accuracy " + RowProgress.Percent(va) : string.Empty) + $", {p.TokensPerSecond:N0} tokens/s{(p.IsBest ? " *" : string.Empty)}");
                }
            }));
        }
        else
        {
            model = default!;
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn()).Start(progressContext =>
            {
                var task = progressContext.AddTask("training", maxValue: epochs);
                model = fit(new Reporter(p =>
                {
                    last = p;
                    task.Description = $"epoch {p.Epoch}/{p.Epochs} loss {p.TrainingLoss:F3}"
                        + (p.ValidationAccuracy is { } a ? " val acc " + RowProgress.Percent(a) : p.ValidationLoss is { } vl ? $" val loss {vl:F3}" : string.Empty);
                    task.Value = p.Epoch;
                }));
                task.Value = task.MaxValue;
            });
        }

        return (model, new Stats(last?.Epoch ?? 0, clock.Elapsed.TotalSeconds, last?.TokensPerSecond ?? 0));
    }

    /// <summary>
    /// Prints the final summary: with <paramref name="json"/> one object with "model", "epochs", "seconds",
    /// "tokensPerSecond", "rows", "parameters", the task's <paramref name="details"/>, "distributed" (with
    /// <paramref name="group"/>: <see cref="DistributedTraining.Json"/>) and "validation" (metrics or null).
    /// </summary>
    public static void Summary(bool json, string modelPath, Stats stats, int rows, int parameters, IEnumerable<(string Name, object? Value)> details, object? validation,
        DataParallelGroup? group = null)
    {
        string path = Path.GetFullPath(modelPath);
        if (!json)
        {
            Console.WriteLine($"saved {path}: {stats.Epochs} epochs in {stats.Seconds:F1} s, {stats.TokensPerSecond:N0} tokens/s, {parameters:N0} parameters");
            if (DistributedTraining.Line(group) is { } line)
            {
                Console.WriteLine(line);
            }

            if (validation is not null)
            {
                Console.WriteLine($"validation: {validation}");
            }

            return;
        }

        var summary = new Dictionary<string, object?>
        {
            ["model"] = path, ["epochs"] = stats.Epochs, ["seconds"] = JsonOut.Round(stats.Seconds, 3), ["tokensPerSecond"] = Math.Round(stats.TokensPerSecond),
            ["rows"] = rows, ["parameters"] = parameters,
        };
        foreach (var (name, value) in details)
        {
            summary[name] = value;
        }

        if (group is not null)
        {
            summary["distributed"] = DistributedTraining.Json(group);
        }

        summary["validation"] = validation;
        JsonOut.Line(summary);
    }

    private static double? Nullable(double? value) => value is { } v ? JsonOut.Round(v) : null;

    /// <summary>How a run went: epochs actually run (early stopping may end it sooner), training seconds, last epoch's tokens/s.</summary>
    public sealed record Stats(int Epochs, double Seconds, double TokensPerSecond);

    /// <summary>Calls back on the training thread (System.Progress would post to a synchronization context).</summary>
    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
