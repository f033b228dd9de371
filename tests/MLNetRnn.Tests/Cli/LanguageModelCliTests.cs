using System.Text.Json;
using MLNetRnn.LanguageModeling;

namespace MLNetRnn.Tests.Cli;

/// <summary>
/// The language-model side of <c>mlnet-rnn</c>, run as a real process on a small text: train lm → evaluate → generate
/// (JSON fields and streaming), inspect, and the errors.
/// </summary>
public sealed class LanguageModelCliTests(LanguageModelCliTests.TrainedModel trained) : IClassFixture<LanguageModelCliTests.TrainedModel>
{
    private readonly TrainedModel _trained = trained;

    [Fact]
    public void Train_PrintsOneJsonObjectPerEpochAndASummaryWithHeldOutPerplexity()
    {
        var lines = _trained.TrainOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(TrainedModel.Epochs + 1, lines.Length);
        using var last = JsonDocument.Parse(lines[^1]);
        var root = last.RootElement;
        Assert.Equal(TrainedModel.Epochs, root.GetProperty("epochs").GetInt32());
        Assert.Equal("char", root.GetProperty("level").GetString());
        Assert.Equal(40 * TrainedModel.Text.Length, root.GetProperty("rows").GetInt32()); // training tokens: one per character
        Assert.Equal(4 + TrainedModel.Text.Distinct().Count(), root.GetProperty("vocabulary").GetInt32());
        var validation = root.GetProperty("validation");
        Assert.Equal(TrainedModel.HeldOut.Length - 1, validation.GetProperty("count").GetInt32());
        Assert.True(validation.GetProperty("bitsPerToken").GetDouble() < 2.0, validation.ToString()); // a uniform guess over 13 characters is 3.7
    }

    [Fact]
    public void Evaluate_PrintsPerplexityBitsPerTokenAndCount_AsTheLibraryComputesThem()
    {
        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.HeldOutPath, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = doc.RootElement;
        Assert.Equal(["perplexity", "bitsPerToken", "crossEntropy", "count"], root.EnumerateObject().Select(p => p.Name));
        var expected = LanguageModel.Load(_trained.ModelPath).Evaluate(TrainedModel.HeldOut);
        Assert.Equal(expected.Perplexity, root.GetProperty("perplexity").GetDouble(), 5);
        Assert.Equal(expected.BitsPerToken, root.GetProperty("bitsPerToken").GetDouble(), 5);
        Assert.Equal(TrainedModel.HeldOut.Length - 1, root.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Generate_Json_GivesTheLibrarysSample_AndStreamingPrintsPromptAndText()
    {
        string[] args = ["generate", "--model", _trained.ModelPath, "--prompt", "the ", "--length", "30", "--temperature", "0.7", "--seed", "5"];
        var (code, stdout, stderr) = CliProcess.Run([.. args, "--json"]);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = doc.RootElement;
        Assert.Equal(["prompt", "text", "tokens", "finish", "seed", "temperature", "topK", "topP"], root.EnumerateObject().Select(p => p.Name));
        var expected = LanguageModel.Load(_trained.ModelPath).GenerateText("the ", new GenerationOptions { MaxTokens = 30, Temperature = 0.7f, Seed = 5 });
        Assert.Equal(expected.Text, root.GetProperty("text").GetString());
        Assert.Equal(30, root.GetProperty("tokens").GetInt32());
        Assert.Equal("length", root.GetProperty("finish").GetString());

        var (streamCode, streamed, streamError) = CliProcess.Run(args);
        Assert.True(streamCode == 0, streamError);
        Assert.Equal("the " + expected.Text + Environment.NewLine, streamed);

        var (_, stopped, _) = CliProcess.Run([.. args, "--stop", " ", "--json"]);
        using var stop = JsonDocument.Parse(stopped.Trim().Split('\n')[^1]);
        Assert.DoesNotContain(" ", stop.RootElement.GetProperty("text").GetString());
        Assert.Equal("stopString", stop.RootElement.GetProperty("finish").GetString());
    }

    [Fact]
    public void Inspect_RecognisesALanguageModel()
    {
        var (code, stdout, stderr) = CliProcess.Run("inspect", "--model", _trained.ModelPath, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        Assert.Equal("LanguageModel", doc.RootElement.GetProperty("task").GetString());
        Assert.Equal(LanguageModel.Load(_trained.ModelPath).ParameterCount, doc.RootElement.GetProperty("parameters").GetInt32());
    }

    [Theory]
    [InlineData("--temperature", "0", "Temperature")]
    [InlineData("--top-p", "1.5", "TopP")]
    [InlineData("--top-k", "-2", "TopK")]
    public void Generate_RefusesABadSetting_NamingIt(string option, string value, string name)
    {
        string error = CliProcess.RunFailing("generate", "--model", _trained.ModelPath, "--prompt", "a", option, value);
        Assert.Contains(name, error);
        Assert.Contains(value, error);
    }

    [Fact]
    public void Generate_RefusesAnEmptyPromptForAStreamModel_AndAModelThatIsNotALanguageModel()
    {
        Assert.Contains("give a prompt", CliProcess.RunFailing("generate", "--model", _trained.ModelPath));
        Assert.Contains("not a language model", CliProcess.RunFailing("generate", "--model", _trained.HeldOutPath, "--prompt", "a"));
    }

    /// <summary>One small character model trained once by the CLI for the tests of this class.</summary>
    public sealed class TrainedModel : IDisposable
    {
        public const int Epochs = 8;
        public const string Text = "the cat sat on the mat and the rat sat on the hat. ";
        public const string HeldOut = "the cat sat on the hat and the rat sat on the mat. ";

        public TrainedModel()
        {
            Folder = Directory.CreateTempSubdirectory("mlnetrnn-lm-cli-").FullName;
            string train = Path.Combine(Folder, "train.txt");
            File.WriteAllText(train, string.Concat(Enumerable.Repeat(Text, 40)));
            HeldOutPath = Path.Combine(Folder, "heldout.txt");
            File.WriteAllText(HeldOutPath, HeldOut);
            ModelPath = Path.Combine(Folder, "lm.zip");
            var (code, stdout, stderr) = CliProcess.Run("train", "lm", "--data", train, "--validation", HeldOutPath, "--model", ModelPath,
                "--hidden", "32", "--bptt", "25", "--batch-size", "4", "--epochs", $"{Epochs}", "--learning-rate", "0.01", "--patience", "10", "--seed", "2", "--json");
            Assert.True(code == 0, stderr);
            TrainOutput = stdout;
        }

        public string Folder { get; }

        public string ModelPath { get; }

        public string HeldOutPath { get; }

        public string TrainOutput { get; }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }
}
