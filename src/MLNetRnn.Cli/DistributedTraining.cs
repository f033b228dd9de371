using System.CommandLine;
using System.Globalization;
using MLNetRnn.Mpi;
using MLNetRnn.Training;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>--distributed</c>: data-parallel training over MPI (<c>mpirun.mpich -np N mlnet-rnn train … --distributed</c>).
/// Every process reads the same files and trains on its share of each batch; process 0 alone prints, writes the model and
/// the checkpoints. Without <c>mpirun</c> the run is a job of one process and trains exactly as without the option.
/// </summary>
internal static class DistributedTraining
{
    /// <summary>Makes the <c>--distributed</c> option.</summary>
    public static Option<bool> Create() => new("--distributed")
    {
        Description = "Data-parallel training over MPI (train classify, tag, seq2seq, forecast and lm): launch with mpirun.mpich -np N (MPICH; hostfile for several machines). "
            + "Each process trains on its share of every batch (the same --batch-size in total; for lm, its share of the streams); process 0 alone prints, writes the model and checkpoints. "
            + "Without mpirun: one process. See docs/distributed.md.",
    };

    /// <summary>
    /// What every <c>train</c> command with <c>--distributed</c> does around its run: starts MPI when
    /// <paramref name="distributed"/> is set (<see cref="Start"/>), gives the group (null without the option) to
    /// <paramref name="train"/>, which sets it on the trainer's options and, in processes other than 0, writes no file, and
    /// finalises MPI once it returns.
    /// </summary>
    /// <returns><paramref name="train"/>'s exit code.</returns>
    public static int Run(bool distributed, Func<DataParallelGroup?, int> train)
    {
        var group = Start(distributed);
        return Finish(group, train(group));
    }

    /// <summary>
    /// Starts MPI when <paramref name="distributed"/> is set; in processes other than 0 standard output is silenced from
    /// here on (progress, summary), so only process 0 prints. Errors still reach standard error from every process.
    /// </summary>
    /// <returns>The group, or null without <c>--distributed</c>.</returns>
    private static MpiDataParallelGroup? Start(bool distributed)
    {
        if (!distributed)
        {
            return null;
        }

        var group = MpiDataParallelGroup.Start();
        if (group.Rank > 0)
        {
            Console.SetOut(TextWriter.Null);
        }
        else if (group.Size == 1)
        {
            Console.Error.WriteLine("note: --distributed in a single process (not started by mpirun.mpich -np N): training runs here alone.");
        }

        return group;
    }

    /// <summary>Whether this process writes files: it is process 0, or the run is not distributed.</summary>
    public static bool WritesFiles(DataParallelGroup? group) => group is null or { Rank: 0 };

    /// <summary>Finalises MPI after a successful run (a failed process exits without it, and mpirun ends the others).</summary>
    private static int Finish(MpiDataParallelGroup? group, int code)
    {
        group?.Dispose();
        return code;
    }

    /// <summary>The summary's "distributed" entry: processes, steps, step seconds, the steps' all-reduce seconds and their ratio; null when not distributed.</summary>
    public static object? Json(DataParallelGroup? group) => group is null ? null : new
    {
        processes = group.Size,
        steps = group.Steps,
        stepSeconds = JsonOut.Round(group.StepTime.TotalSeconds, 3),
        allreduceSeconds = JsonOut.Round(group.StepCommunicationTime.TotalSeconds, 3),
        communicationShare = JsonOut.Round(Share(group), 4),
    };

    /// <summary>One line for the text summary, or null when not distributed.</summary>
    public static string? Line(DataParallelGroup? group) => group switch
    {
        null => null,
        { Size: 1 } => "distributed: 1 process (not started by mpirun.mpich -np N)",
        _ => string.Create(CultureInfo.InvariantCulture,
            $"distributed: {group.Size} processes, {group.Steps:N0} steps, all-reduce {Share(group):P1} of step time ({group.StepCommunicationTime.TotalSeconds:F2} s of {group.StepTime.TotalSeconds:F2} s)"),
    };

    private static double Share(DataParallelGroup group) =>
        group.StepTime > TimeSpan.Zero ? group.StepCommunicationTime.TotalSeconds / group.StepTime.TotalSeconds : 0;
}
