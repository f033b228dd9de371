using System.CommandLine;
using Microsoft.ML;
using MLNetRnn.Layers;
using MLNetRnn.Training;

namespace MLNetRnn.Cli;

/// <summary>The options every <c>train</c> subcommand has (files, network size, optimisation, output), with that task's defaults.</summary>
internal sealed class TrainOptions
{
    public TrainOptions(int embedding, int hidden, int epochs, int batchSize)
    {
        Embedding = new("--embedding") { DefaultValueFactory = _ => embedding, Description = "Embedding size." };
        Hidden = new("--hidden") { DefaultValueFactory = _ => hidden, Description = "Hidden size per direction." };
        Epochs = new("--epochs") { DefaultValueFactory = _ => epochs, Description = "Most passes over the data." };
        BatchSize = new("--batch-size") { DefaultValueFactory = _ => batchSize, Description = "Rows per mini-batch." };
        Cell.AcceptOnlyFromAmong("rnn", "lstm", "gru");
    }

    /// <summary>Sets the defaults of the network and optimisation options to a task's library defaults.</summary>
    public TrainOptions WithDefaults(RecurrentCellType cell, int layers, float dropout, float learningRate, float clip, int patience)
    {
        Cell.DefaultValueFactory = _ => CellName(cell);
        Layers.DefaultValueFactory = _ => layers;
        Dropout.DefaultValueFactory = _ => dropout;
        LearningRate.DefaultValueFactory = _ => learningRate;
        Clip.DefaultValueFactory = _ => clip;
        Patience.DefaultValueFactory = _ => patience;
        return this;
    }

    public Option<string> Data { get; } = new("--data") { Description = "Training TSV/CSV with a header.", Required = true };

    public Option<string?> Validation { get; } = new("--validation")
    {
        Description = "Validation file: enables early stopping, best-weight restore and final validation metrics. Without one, a classifier holds out "
            + "a stratified, seeded 10 % of the training rows for the same purpose; 'none' turns that off (all rows, all epochs, last weights).",
    };

    public Option<string> Model { get; } = CliOptions.Model("Where to write the model .zip.");

    public Option<string?> Separator { get; } = CliOptions.Separator();

    public Option<string> Cell { get; } = new("--cell") { DefaultValueFactory = _ => "lstm", Description = "rnn, lstm or gru." };

    public Option<int> Embedding { get; }

    public Option<int> Hidden { get; }

    public Option<int> Layers { get; } = new("--layers") { DefaultValueFactory = _ => 1, Description = "Stacked recurrent layers." };

    public Option<float> Dropout { get; } = new("--dropout") { Description = "Dropout between recurrent layers and before the output layer, in [0, 1)." };

    public Option<int> Epochs { get; }

    public Option<int> BatchSize { get; }

    public Option<float> LearningRate { get; } = new("--learning-rate") { DefaultValueFactory = _ => 0.002f, Description = "Adam learning rate." };

    public Option<float> Clip { get; } = new("--clip") { DefaultValueFactory = _ => 1f, Description = "Gradient-norm limit (0 = off)." };

    public Option<int> Patience { get; } = new("--patience") { DefaultValueFactory = _ => 3, Description = "Epochs without validation improvement before stopping." };

    public Option<int> Seed { get; } = new("--seed") { DefaultValueFactory = _ => 1, Description = "Seed of every random choice." };

    public Option<bool> Json { get; } = new("--json") { Description = "One JSON object per epoch and a final one." };

    public Option<string?> Checkpoint { get; } = new("--checkpoint")
    {
        Description = "Checkpoint file, saved at every epoch end (and see --checkpoint-every). Default: <model>.ckpt, which is removed once the model is saved.",
    };

    public Option<int> CheckpointEvery { get; } = CliOptions.AtLeastZero(new Option<int>("--checkpoint-every") { Description = "Also save the checkpoint every N optimizer steps (0: only at epoch ends)." });

    public Option<double> CheckpointMinutes { get; } = new("--checkpoint-minutes") { Description = "Also save the checkpoint every M minutes of training (0: off)." };

    public Option<string?> Resume { get; } = new("--resume")
    {
        Description = "Continue an interrupted run from this checkpoint (same data and settings; --epochs may be larger). Later saves go to the same file.",
    };

    public Option<int> SkipBadBatches { get; } = CliOptions.AtLeastZero(new Option<int>("--skip-bad-batches") { Description = "Skip up to N batches whose loss or gradient is not finite instead of stopping (default 0)." });

    /// <summary>Adds the shared options, then the task's own, to <paramref name="command"/>.</summary>
    public Command AddTo(Command command, params Option[] taskOptions)
    {
        foreach (var option in new Option[] { Data, Validation, Model, Separator, Cell, Embedding, Hidden, Layers, Dropout }.Concat(taskOptions)
            .Concat([Epochs, BatchSize, LearningRate, Clip, Patience, Seed, Checkpoint, CheckpointEvery, CheckpointMinutes, Resume, SkipBadBatches, Json]))
        {
            command.Add(option);
        }

        return command;
    }

    /// <summary>Reads the files and run settings every task uses.</summary>
    /// <exception cref="ArgumentException">--checkpoint and --resume name different files, or --checkpoint-minutes is negative.</exception>
    /// <exception cref="FileNotFoundException">The --resume file does not exist.</exception>
    public RunSettings ReadRun(ParseResult parse)
    {
        string model = parse.GetRequiredValue(Model);
        string? checkpoint = parse.GetValue(Checkpoint), resume = parse.GetValue(Resume);
        double minutes = parse.GetValue(CheckpointMinutes);
        if (!(minutes >= 0 && double.IsFinite(minutes)))
        {
            throw new ArgumentException($"--checkpoint-minutes {minutes} is not a number of minutes; use 0 (off) or a positive value such as 10.");
        }

        if (resume is not null && checkpoint is not null && Path.GetFullPath(resume) != Path.GetFullPath(checkpoint))
        {
            throw new ArgumentException($"--resume '{resume}' and --checkpoint '{checkpoint}' name different files; a resumed run keeps saving to the file it resumed from, so drop --checkpoint.");
        }

        if (resume is not null && !File.Exists(resume))
        {
            throw new FileNotFoundException($"Checkpoint '{Path.GetFullPath(resume)}' given to --resume does not exist; check the path, or drop --resume to start over.", resume);
        }

        var settings = new CheckpointSettings
        {
            Path = resume ?? checkpoint ?? model + ".ckpt",
            EverySteps = parse.GetValue(CheckpointEvery),
            Interval = TimeSpan.FromMinutes(minutes),
            Resume = resume is not null,
        };
        string? validation = parse.GetValue(Validation);
        bool validationOff = string.Equals(validation, NoValidation, StringComparison.OrdinalIgnoreCase) && !File.Exists(validation);
        return new(parse.GetRequiredValue(Data), validationOff ? null : validation, model, parse.GetValue(Separator), parse.GetValue(Seed), parse.GetValue(Json),
            settings, RemoveCheckpoint: Path.GetFullPath(settings.Path) == Path.GetFullPath(model + ".ckpt"), parse.GetValue(SkipBadBatches), validationOff);
    }

    /// <summary>The <c>--validation</c> value that turns the held-out validation slice off (a file of that name still wins).</summary>
    public const string NoValidation = "none";

    /// <summary>The cell named by <c>--cell</c>.</summary>
    public static RecurrentCellType CellType(string? name) => name switch
    {
        "rnn" => RecurrentCellType.SimpleRnn,
        "gru" => RecurrentCellType.Gru,
        _ => RecurrentCellType.Lstm,
    };

    /// <summary>The <c>--cell</c> name of a cell: the inverse of <see cref="CellType"/>.</summary>
    public static string CellName(RecurrentCellType cell) => cell switch
    {
        RecurrentCellType.SimpleRnn => "rnn",
        RecurrentCellType.Gru => "gru",
        _ => "lstm",
    };

    /// <summary>The files and run settings of a <c>train</c> subcommand.</summary>
    /// <param name="Checkpoint">Where the run saves its state (and whether it resumes from it).</param>
    /// <param name="RemoveCheckpoint">Whether the checkpoint is the default one (<c>&lt;model&gt;.ckpt</c>, also when resumed from), removed once the model is saved.</param>
    /// <param name="SkipBadBatches">Non-finite batches skipped before training stops.</param>
    /// <param name="ValidationOff">Whether <c>--validation none</c> was given: no file and no held-out slice.</param>
    public sealed record RunSettings(string Data, string? Validation, string Model, string? Separator, int Seed, bool Json,
        CheckpointSettings Checkpoint, bool RemoveCheckpoint, int SkipBadBatches, bool ValidationOff = false)
    {
        /// <summary>Removes the default checkpoint once the model it led to is saved.</summary>
        public void Finish()
        {
            if (RemoveCheckpoint && File.Exists(Checkpoint.Path))
            {
                File.Delete(Checkpoint.Path);
            }
        }

        /// <summary>
        /// Loads the training file and, when given, the validation file with the same columns (see <see cref="CliData.Load"/>),
        /// after checking that the model's folder exists, so a wrong path fails before training rather than after.
        /// </summary>
        /// <exception cref="DirectoryNotFoundException">The folder of <see cref="Model"/> does not exist.</exception>
        public (IDataView Train, IDataView? Validation) Load(MLContext ml, string columnOptions, params (string File, string View)[] columns)
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(Model)) ?? string.Empty;
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"The folder of --model '{Model}' ('{folder}') does not exist; create it or choose another path.");
            }

            return (CliData.Load(ml, Data, Separator, columnOptions, columns), Validation is null ? null : CliData.Load(ml, Validation, Separator, columnOptions, columns));
        }
    }
}
