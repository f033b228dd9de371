using System.CommandLine;
using MLNetRnn.LanguageModeling;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn generate --model M.zip [--prompt S] [--length N] [--temperature F] [--top-k N] [--top-p F] [--seed N]
/// [--stop S]… [--json]</c>: continues a prompt with a language model (<c>train lm</c>).
/// </summary>
/// <remarks>
/// Without <c>--json</c> the prompt is printed, then the generated text streamed token by token, then a newline. With
/// <c>--json</c> nothing is streamed; one object at the end: <c>{"prompt","text" (the continuation only),"tokens" (drawn,
/// a final &lt;EOS&gt; included),"finish" ("length", "endOfSequence" or "stopString"),"seed","temperature","topK","topP"}</c>.
/// </remarks>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var defaults = new GenerationOptions();
        var model = CliOptions.Model("A language model .zip written by 'mlnet-rnn train lm'.");
        var prompt = new Option<string>("--prompt") { DefaultValueFactory = _ => string.Empty, Description = "Text to continue (required for a model trained without --line-mode)." };
        var length = new Option<int>("--length") { DefaultValueFactory = _ => defaults.MaxTokens, Description = "Most tokens to generate." };
        var temperature = new Option<float>("--temperature") { DefaultValueFactory = _ => defaults.Temperature, Description = "Softmax temperature > 0: near 0 greedy, 1 the model's distribution, above 1 flatter." };
        var topK = new Option<int>("--top-k") { DefaultValueFactory = _ => defaults.TopK, Description = "Draw only from the K most likely tokens (0: no limit)." };
        var topP = new Option<float>("--top-p") { DefaultValueFactory = _ => defaults.TopP, Description = "Draw only from the smallest set of most likely tokens whose probability reaches P, in (0, 1]." };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => defaults.Seed, Description = "Seed of the sampler: the same seed gives the same text." };
        var stop = new Option<string[]>("--stop") { Description = "Stop before this string (repeatable); \\n in it means a newline.", AllowMultipleArgumentsPerToken = false };
        var json = new Option<bool>("--json") { Description = "Print one JSON object at the end instead of streaming." };
        var command = new Command("generate", "Generate text from a prompt with a language model.") { model, prompt, length, temperature, topK, topP, seed, stop, json };
        command.SetAction(p =>
        {
            string path = p.GetRequiredValue(model);
            var options = new GenerationOptions
            {
                MaxTokens = p.GetValue(length),
                Temperature = p.GetValue(temperature),
                TopK = p.GetValue(topK),
                TopP = p.GetValue(topP),
                Seed = p.GetValue(seed),
                StopStrings = [.. (p.GetValue(stop) ?? []).Select(s => s.Replace("\\n", "\n", StringComparison.Ordinal))],
            };
            options.Validate(); // before loading the model, so a bad setting fails fast
            if (!LanguageModelCommands.IsLanguageModel(path))
            {
                throw new InvalidDataException(File.Exists(path)
                    ? $"'{path}' is not a language model (it has no model.onnx entry); generate needs a model written by 'mlnet-rnn train lm'."
                    : $"Model file '{Path.GetFullPath(path)}' does not exist; check the --model path.");
            }

            var lm = LanguageModel.Load(path);
            string text = p.GetValue(prompt) ?? string.Empty;
            if (p.GetValue(json))
            {
                var result = lm.GenerateText(text, options);
                JsonOut.Line(new
                {
                    prompt = text, text = result.Text, tokens = result.TokenCount, finish = char.ToLowerInvariant(result.Finish.ToString()[0]) + result.Finish.ToString()[1..],
                    seed = options.Seed, temperature = options.Temperature, topK = options.TopK, topP = options.TopP,
                });
                return 0;
            }

            var pieces = lm.Generate(text, options); // validates the prompt before anything is printed
            Console.Write(text);
            foreach (string piece in pieces)
            {
                Console.Write(piece);
                Console.Out.Flush();
            }

            Console.WriteLine();
            return 0;
        });
        return command;
    }
}
