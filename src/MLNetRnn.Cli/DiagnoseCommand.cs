using System.CommandLine;
using System.Globalization;
using System.Text;
using MLNetRnn.Diagnostics;
using MLNetRnn.Layers;
using MLNetRnn.Plots;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn diagnose gradient-flow [--cell rnn,lstm,gru] [--length 100] [--forget-bias B] [--model M.zip] [--plot OUT.png|svg] [--json]</c>:
/// how much the final hidden state depends on each input step, <c>‖∂h_T/∂x_t‖_F</c> for t = 1..T
/// (<see cref="GradientFlow"/>), for freshly initialised stacks or for a trained model's (encoder) recurrent layers.
/// </summary>
/// <remarks>
/// Prints a table of the norm at t = 1, every tenth of T, and T, per cell, and the first/last ratio; with <c>--json</c>
/// one object <c>{"cells":[{"cell","forgetBias","length","norms":[T values]}]}</c>, cell = rnn, lstm or gru, forgetBias 0
/// except for the extra LSTM curve of <c>--forget-bias</c>, norms to 6 significant digits.
/// </remarks>
internal static class DiagnoseCommand
{
    private static readonly string[] CellNames = ["rnn", "lstm", "gru"];

    public static Command Create()
    {
        var diagnose = new Command("diagnose", "Look inside recurrent networks.");
        diagnose.Add(CreateGradientFlow());
        return diagnose;
    }

    private static Command CreateGradientFlow()
    {
        var cells = new Option<string[]>("--cell")
        {
            Description = "rnn, lstm or gru; repeat it or give a comma list (default: all three). Not with --model, whose cell is measured.",
            Arity = ArgumentArity.OneOrMore,
        };
        cells.Validators.Add(result =>
        {
            foreach (string name in result.GetValueOrDefault<string[]>()?.SelectMany(Split) ?? [])
            {
                if (!CellNames.Contains(name))
                {
                    result.AddError($"--cell '{name}' is not a cell; use rnn, lstm or gru (repeat --cell or separate them with commas).");
                }
            }
        });
        var length = CliOptions.AtLeastOne(new Option<int>("--length") { DefaultValueFactory = _ => 100, Description = "T, the input steps per sequence." });
        var samples = CliOptions.AtLeastOne(new Option<int>("--samples") { DefaultValueFactory = _ => 8, Description = "Random sequences the norms are averaged over." });
        var inputSize = CliOptions.AtLeastOne(new Option<int>("--input-size") { DefaultValueFactory = _ => 32, Description = "I of the fresh stacks (not with --model)." });
        var hidden = CliOptions.AtLeastOne(new Option<int>("--hidden") { DefaultValueFactory = _ => 64, Description = "H of the fresh stacks (not with --model)." });
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1, Description = "Seed of the weights (fresh stacks) and of the inputs." };
        var forgetBias = new Option<float?>("--forget-bias")
        {
            Description = "Also measure a fresh LSTM whose forget-gate bias starts this much higher (Keras and Jozefowicz et al. use 1); not with --model.",
        };
        var model = new Option<string?>("--model") { Description = "Measure this model's recurrent layers (a classifier's, or an encoder–decoder's encoder) on random tokens of its vocabulary." };
        var plot = PlotOutput.Create("--plot", "Write the curves (log scale) to this .png or .svg.");
        var json = new Option<bool>("--json") { Description = "Print one JSON object with every norm." };
        var command = new Command("gradient-flow", "‖∂h_T/∂x_t‖ for t = 1..T: how far back the final state still feels its inputs (vanishing gradients).")
        {
            cells, length, samples, inputSize, hidden, seed, forgetBias, model, plot, json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(forgetBias) is { } b && (!float.IsFinite(b) || b == 0f))
            {
                result.AddError($"--forget-bias {b} adds nothing to measure; give a finite, non-zero bias such as 1.");
            }

            if (result.GetValue(model) is not null)
            {
                foreach (var option in new Option[] { cells, inputSize, hidden, forgetBias })
                {
                    if (result.GetResult(option) is { Implicit: false })
                    {
                        result.AddError($"{option.Name} sets up fresh stacks; with --model the model's own recurrent layers are measured. Drop {option.Name} or --model.");
                    }
                }
            }
        });
        command.SetAction(p =>
        {
            int t = p.GetValue(length), n = p.GetValue(samples), s = p.GetValue(seed);
            string? plotPath = p.GetValue(plot);
            PlotOutput.RequireFolder(plotPath, "--plot");
            List<GradientFlowResult> results;
            string title, setting;
            if (p.GetValue(model) is { } modelPath)
            {
                var (stack, embedding, what) = ReadStack(modelPath);
                results = [GradientFlow.Measure(stack, embedding, t, s, n)];
                title = $"Gradient flow: {Path.GetFileName(modelPath)} ({PlotOutput.CellName(stack.CellType)} {what})";
                setting = $"{Path.GetFileName(modelPath)}: {what}, {stack.NumberOfLayers} layer(s), {(stack.Directions == 2 ? "bidirectional" : "unidirectional")}, I = {stack.InputSize}, H = {stack.HiddenSize}, random tokens";
            }
            else
            {
                int i = p.GetValue(inputSize), h = p.GetValue(hidden);
                string[] chosen = p.GetValue(cells) is { Length: > 0 } given ? [.. given.SelectMany(Split).Distinct()] : CellNames;
                results = [.. chosen.Select(c => GradientFlow.Measure(TrainOptions.CellType(c), t, i, h, s, n))];
                if (p.GetValue(forgetBias) is { } b)
                {
                    results.Add(GradientFlow.Measure(RecurrentCellType.Lstm, t, i, h, s, n, b));
                }

                title = $"Gradient flow at initialisation (T = {t}, I = {i}, H = {h})";
                setting = $"fresh single-layer stacks (PyTorch's initialisation), I = {i}, H = {h}, inputs from N(0, 1)";
            }

            string? written = plotPath is null ? null : PlotOutput.Save(RnnPlots.GradientFlow(results, title), plotPath);
            if (p.GetValue(json))
            {
                JsonOut.Line(new { cells = results.Select(r => new { cell = TrainOptions.CellName(r.Cell), forgetBias = r.ForgetGateBias, length = r.Length, norms = r.Norms.Select(Significant) }) });
            }
            else
            {
                Console.Write(Table(results, $"‖∂h_T/∂x_t‖ (Frobenius norm, mean of {n} sequences); {setting}"));
                if (written is not null)
                {
                    Console.WriteLine($"plot: {written}");
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>The model's recurrent stack, the embedding that feeds it, and what it is ("classifier" or "encoder").</summary>
    private static (RecurrentStack Stack, Embedding Embedding, string What) ReadStack(string path)
    {
        var file = ModelFile.Read(path);
        if (file.IsClassifier)
        {
            var network = file.ReadClassifier().Network;
            return (network.Rnn, network.Embedding, "classifier");
        }

        var seq2seq = file.ReadSequenceToSequence().Network;
        return (seq2seq.Encoder, seq2seq.SourceEmbedding, "encoder");
    }

    /// <summary>The norm at t = 1, every tenth of T and T, a column per cell, then the first/last ratio.</summary>
    private static string Table(IReadOnlyList<GradientFlowResult> results, string heading)
    {
        var inv = CultureInfo.InvariantCulture;
        int t = results[0].Length;
        int step = Math.Max(1, t / 10);
        var steps = new SortedSet<int> { 1, t };
        for (int k = step; k < t; k += step)
        {
            steps.Add(k);
        }

        var text = new StringBuilder().Append(heading).Append('\n');
        static string Name(GradientFlowResult r) => r.Label ?? PlotOutput.CellName(r.Cell);
        static int Width(GradientFlowResult r) => Math.Max(12, Name(r).Length + 2);
        text.Append(inv, $"{"t",10}").AppendJoin(string.Empty, results.Select(r => Name(r).PadLeft(Width(r)))).Append('\n');
        foreach (int k in steps)
        {
            text.Append(inv, $"{k,10}").AppendJoin(string.Empty, results.Select(r => r.Norms[k - 1].ToString("0.000e+00", inv).PadLeft(Width(r)))).Append('\n');
        }

        text.Append(inv, $"{"first/last",10}").AppendJoin(string.Empty, results.Select(r => r.Ratio.ToString("0.0e+00", inv).PadLeft(Width(r)))).Append('\n');
        return text.ToString();
    }

    private static IEnumerable<string> Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => v.ToLowerInvariant());

    /// <summary>Six significant digits: the norms span dozens of orders of magnitude, so fixed decimals would print zeros.</summary>
    private static double Significant(double value) => double.IsFinite(value) ? double.Parse(value.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value;
}
