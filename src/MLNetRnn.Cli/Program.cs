using System.CommandLine;
using MLNetRnn.Cli;

// mlnet-rnn: the command-line face of MLNetRnn. With --json every command's last stdout line is one JSON object.
// Errors go to stderr as one line with exit code 1 (usage errors: 2); --verbose adds the stack trace.
var verbose = new Option<bool>("--verbose") { Description = "Show stack traces on errors.", Recursive = true };
var root = new RootCommand("mlnet-rnn: train, evaluate, inspect, export, diagnose and use recurrent sequence models on ML.NET.")
{
    verbose, TrainCommand.Create(), EvaluateCommand.Create(), PredictCommand.Create(), InspectCommand.Create(), ExportCommand.Create(), DiagnoseCommand.Create(), BaselineCommand.Create(), GenerateCommand.Create(),
};
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"error: {error.Message}");
    }

    return 2;
}

CliCancellation.Listen();
try
{
    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (OperationCanceledException e) when (CliCancellation.Token.IsCancellationRequested)
{
    // Ctrl+C or SIGTERM: a training run has written its checkpoint and says where; add how to continue.
    Console.Error.WriteLine($"interrupted: {e.Message.ReplaceLineEndings(" ")}"
        + (CliCancellation.Checkpoint is { } checkpoint ? $" To continue, run the same command with --resume {checkpoint}" : string.Empty));
    return 130;
}
catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or UnauthorizedAccessException or InvalidOperationException)
{
    Console.Error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}"); // one line: range errors add "Actual value was …" on a second
    if (parse.GetValue(verbose))
    {
        Console.Error.WriteLine(e);
    }

    return 1;
}
