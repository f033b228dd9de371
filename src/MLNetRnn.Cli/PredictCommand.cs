using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.DataViews;
using MLNetRnn.Plots;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn predict --model M.zip (--input TEXT | --data F) [--json]</c>: for a classifier the label, probabilities,
/// and the tokens and ids the model used (the ML.NET model run as any app would run it); for an encoder–decoder the
/// output, its tokens and score, the n-best list (<c>--beam</c>, <c>--nbest</c>, the engine's beam search on the saved
/// weights) and optionally a heat map of the attention (<c>--attention OUT.svg</c> or <c>.png</c>, <see cref="RnnPlots.Attention"/>).
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = CliOptions.Model("The model .zip.");
        var input = new Option<string?>("--input") { Description = "One text to classify or transform." };
        var data = new Option<string?>("--data") { Description = "A TSV/CSV file with a header; its text (source) column is predicted row by row (JSON Lines with --json)." };
        var inputColumn = CliOptions.InputColumn();
        var separator = CliOptions.Separator();
        var beam = CliOptions.Beam();
        var nbest = CliOptions.AtLeastOne(new Option<int>("--nbest") { DefaultValueFactory = _ => 1, Description = "Seq2seq: how many outputs to list, best first (at most the beam size)." });
        var attention = PlotOutput.Create("--attention", "Seq2seq with --input: write the best output's attention weights as a heat map to this .svg or .png.");
        var json = new Option<bool>("--json") { Description = "Print one JSON object per input." };
        var command = new Command("predict", "Classify or transform text with a model.") { model, input, data, inputColumn, separator, beam, nbest, attention, json };
        command.Validators.Add(r =>
        {
            if ((r.GetValue(input) is null) == (r.GetValue(data) is null))
            {
                r.AddError("Give exactly one of --input TEXT or --data FILE.");
            }

            if (r.GetValue(attention) is not null && r.GetValue(input) is null)
            {
                r.AddError("--attention draws one prediction; use it with --input TEXT.");
            }

            if (r.GetValue(beam) is int b && r.GetValue(nbest) > b)
            {
                r.AddError($"--nbest {r.GetValue(nbest)} is more than --beam {b}; a beam of K keeps at most K outputs.");
            }
        });
        command.SetAction(p =>
        {
            var file = ModelFile.Read(p.GetRequiredValue(model));
            file.RejectUnless(ModelFile.SequenceToSequence, p, beam, nbest, attention);
            PlotOutput.RequireFolder(p.GetValue(attention), "--attention");
            if (file.Task == ModelFile.Forecasting)
            {
                return ForecastCommands.Predict(file, p.GetValue(data), p.GetValue(separator), p.GetValue(json));
            }

            if (file.IsTagger)
            {
                return TagCommands.Predict(file, p.GetValue(input), p.GetValue(data), p.GetValue(json)); // --data: one sentence a line
            }

            string column = file.RequireTextColumn();
            string? text = p.GetValue(input);
            var ml = new MLContext(seed: 0);
            IDataView rows = text is not null
                ? CliData.OneText(ml, column, text)
                : CliData.Load(ml, p.GetValue(data)!, p.GetValue(separator), file.IsClassifier ? "--text-column" : "--source-column", (p.GetValue(inputColumn) ?? column, column));
            var output = file.Transform(ml, rows);
            bool asJson = p.GetValue(json);
            return file.IsClassifier
                ? RunClassification(file, output, asJson)
                : RunSequenceToSequence(file, output, p.GetValue(beam), p.GetValue(nbest), p.GetValue(attention), asJson);
        });
        return command;
    }

    /// <summary>Prints each row as the model's cursor reaches it (one pass of the model over the data).</summary>
    private static int RunClassification(ModelFile file, IDataView output, bool json)
    {
        string[] classes = ModelFile.ScoreLabels(output.Schema[file.OutputColumn]);
        var schema = output.Schema;
        using var cursor = output.GetRowCursor([schema[file.TokensColumn], schema[file.IdsColumn], schema[file.PredictedLabelColumn], schema[file.OutputColumn]]);
        var getTokens = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(schema[file.TokensColumn]);
        var getKeys = cursor.GetGetter<VBuffer<uint>>(schema[file.IdsColumn]);
        var getLabel = LabelGetter(cursor, schema[file.PredictedLabelColumn], classes);
        var getScores = cursor.GetGetter<VBuffer<float>>(schema[file.OutputColumn]);
        VBuffer<ReadOnlyMemory<char>> tokens = default;
        VBuffer<uint> keys = default;
        VBuffer<float> scores = default;
        while (cursor.MoveNext())
        {
            getTokens(ref tokens);
            getKeys(ref keys);
            getScores(ref scores);
            string label = getLabel();
            float[] probabilities = [.. scores.DenseValues()];
            if (json)
            {
                var byClass = new Dictionary<string, double>();
                for (int c = 0; c < classes.Length; c++)
                {
                    byClass[classes[c]] = JsonOut.Round(probabilities[c]);
                }

                int[] ids = ColumnReader.ToIds(keys); // network ids: key + 1, unknown key 0 = <UNK> 1, no tokens = one <UNK>
                JsonOut.Line(new { label, probabilities = byClass, tokens = tokens.DenseValues().Select(t => t.ToString()), ids });
            }
            else
            {
                Console.WriteLine($"{label}\t{probabilities[Array.IndexOf(classes, label)]:F3}");
            }
        }

        return 0;
    }

    /// <summary>
    /// Reads the predicted label as text: the label itself after <c>MapKeyToValue</c> (as <c>train classify</c> saves
    /// it), or the key of a model that ends at the trainer, turned into its class.
    /// </summary>
    private static Func<string> LabelGetter(DataViewRowCursor cursor, DataViewSchema.Column column, string[] classes)
    {
        if (column.Type is KeyDataViewType)
        {
            var getKey = cursor.GetGetter<uint>(column);
            uint key = 0;
            return () =>
            {
                getKey(ref key);
                return key >= 1 && key <= classes.Length ? classes[key - 1] : string.Empty;
            };
        }

        var getText = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> text = default;
        return () =>
        {
            getText(ref text);
            return text.ToString();
        };
    }

    private static int RunSequenceToSequence(ModelFile file, IDataView output, int? beamOption, int nbest, string? imagePath, bool json)
    {
        var parts = file.ReadSequenceToSequence();
        int beam = beamOption ?? parts.Decoding.BeamSize;
        if (nbest > beam)
        {
            throw new ArgumentException($"--nbest {nbest} is more than the model's beam size {beam}; pass --beam {nbest} or more.");
        }

        if (imagePath is not null && parts.Network.Architecture.Attention is null)
        {
            throw new InvalidOperationException($"'{file.Path}' was trained without attention (--attention none), so there are no weights to draw; drop --attention.");
        }

        string[] texts = ColumnReader.Text(output, file.RequireTextColumn());
        string[][] sourceTokens = ColumnReader.TextVectors(output, file.TokensColumn);
        int[][] ids = ColumnReader.TokenIds(output, file.IdsColumn);

        // All rows in one batched beam search (each row's outputs are those of a one-row Decode). A text without tokens is
        // read as one <UNK>, as in training and in the saved graph (ColumnReader.TokenIds).
        var decoded = parts.Decoder.DecodeMany(ids, beam, nbest);
        for (int i = 0; i < ids.Length; i++)
        {
            var outputs = decoded[i];
            var best = outputs[0];
            if (imagePath is not null)
            {
                string[] source = sourceTokens[i].Length == 0 ? ["<UNK>"] : sourceTokens[i];
                PlotOutput.Save(RnnPlots.Attention(source, best.Tokens, best.Attention, $"{texts[i]} → {best.Text}"), imagePath);
            }

            if (json)
            {
                JsonOut.Line(new
                {
                    output = best.Text, tokens = best.Tokens, score = JsonOut.Round(best.Score),
                    nbest = outputs.Select(o => new { output = o.Text, tokens = o.Tokens, score = JsonOut.Round(o.Score) }),
                });
            }
            else
            {
                Console.WriteLine(string.Join('\t', outputs.Select(o => $"{o.Text}\t{o.Score:F3}")));
            }
        }

        return 0;
    }
}
