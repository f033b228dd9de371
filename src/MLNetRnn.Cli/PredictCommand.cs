using System.CommandLine;
using MLNetRnn.Data;
using MLNetRnn.Models;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn predict --model M.zip (--input TEXT | --data F) [--json]</c>: for a classifier the label, probabilities,
/// and the tokens and ids the model used; for an encoder–decoder the output, its tokens and score, the n-best list
/// (<c>--beam</c>, <c>--nbest</c>) and optionally an SVG heat map of the attention (<c>--attention OUT.svg</c>).
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
        var attention = new Option<string?>("--attention") { Description = "Seq2seq with --input: write the best output's attention weights as an SVG heat map to this file." };
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
            var parts = ModelParts.Load(p.GetRequiredValue(model));
            parts.RejectUnless(ModelParts.SequenceToSequence, p, beam, nbest, attention);
            string column = parts.Tokenizer.InputColumnName;
            string? text = p.GetValue(input);
            DataView rows = text is not null
                ? new DataView([(column, (Array)new[] { text })])
                : CliData.Load(p.GetValue(data)!, p.GetValue(separator), parts.EncoderDecoder is null ? "--text-column" : "--source-column", (p.GetValue(inputColumn) ?? column, column));
            bool asJson = p.GetValue(json);
            return parts.EncoderDecoder is { } encoderDecoder
                ? RunSequenceToSequence(parts, encoderDecoder, rows, text is null, p.GetValue(beam), p.GetValue(nbest), p.GetValue(attention), asJson)
                : RunClassification(parts, rows, asJson);
        });
        return command;
    }

    private static int RunClassification(ModelParts parts, DataView rows, bool json)
    {
        var classifier = parts.Classifier!;
        var output = parts.Transform(rows, classifier);
        var tokens = output.GetColumn<string[]>(parts.Tokenizer.OutputColumnName);
        var ids = output.GetColumn<int[]>(parts.Ids.OutputColumnName);
        var labels = output.GetColumn<string>(classifier.PredictedLabelColumnName);
        var scores = output.GetColumn<float[]>(classifier.ScoreColumnName);
        var classes = classifier.Labels;
        for (int i = 0; i < output.RowCount; i++)
        {
            if (json)
            {
                var probabilities = new Dictionary<string, double>();
                for (int c = 0; c < classes.Count; c++)
                {
                    probabilities[classes[c]] = JsonOut.Round(scores[i][c]);
                }

                JsonOut.Line(new { label = labels[i], probabilities, tokens = tokens[i], ids = ids[i] });
            }
            else
            {
                int best = classes.ToList().IndexOf(labels[i]);
                Console.WriteLine($"{labels[i]}\t{scores[i][best]:F3}");
            }
        }

        return 0;
    }

    private static int RunSequenceToSequence(ModelParts parts, SequenceToSequenceModel model, DataView rows, bool fromFile, int? beamOption, int nbest, string? svgPath, bool json)
    {
        int beam = beamOption ?? model.Decoding.BeamSize;
        if (nbest > beam)
        {
            throw new ArgumentException($"--nbest {nbest} is more than the model's beam size {beam}; pass --beam {nbest} or more.");
        }

        if (svgPath is not null && model.Architecture.Attention is null)
        {
            throw new InvalidOperationException($"'{parts.Path}' was trained without attention (--attention none), so there are no weights to draw; drop --attention.");
        }

        var prepared = parts.Prepare(rows);
        string[] texts = prepared.GetColumn<string>(parts.Tokenizer.InputColumnName);
        string[][] sourceTokens = prepared.GetColumn<string[]>(parts.Tokenizer.OutputColumnName);
        int[][] ids = prepared.GetColumn<int[]>(parts.Ids.OutputColumnName);
        for (int i = 0; i < prepared.RowCount; i++)
        {
            if (ids[i].Length == 0)
            {
                throw new ArgumentException($"{(fromFile ? $"Row {i + 1} of the data file" : "The --input text")} has no tokens to read; give it some text.");
            }

            var outputs = model.Decode(ids[i], beam, nbest);
            var best = outputs[0];
            if (svgPath is not null)
            {
                AttentionSvg.Write(svgPath, texts[i], sourceTokens[i], best);
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
