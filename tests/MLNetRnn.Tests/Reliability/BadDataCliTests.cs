using System.Text;
using System.Text.Json;
using MLNetRnn.Tests.Cli;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// Issue 12, bad data, through <c>mlnet-rnn</c> run as a real process: each bad file is one line on stderr naming the file,
/// the line and the bad value (exit code 1); <c>--max-tokens</c> is stored in the model, so predict truncates as training did;
/// an empty text predicts as one <c>&lt;UNK&gt;</c>, as in the library.
/// </summary>
public sealed class BadDataCliTests : IClassFixture<BadDataCliTests.TrainedModel>
{
    private readonly TrainedModel _trained;

    public BadDataCliTests(TrainedModel trained) => _trained = trained;

    [Fact]
    public void Train_MaxTokens_IsStoredInTheModel_SoPredictKeepsTheSameFirstTokens()
    {
        using var full = Predict("One two, three four five six");
        using var cut = Predict("one two ,");
        Assert.Equal(["one", "two", ","], Tokens(full));
        Assert.Equal(Tokens(cut), Tokens(full));
        Assert.Equal(cut.RootElement.GetProperty("ids").ToString(), full.RootElement.GetProperty("ids").ToString());
        Assert.Equal(cut.RootElement.GetProperty("probabilities").ToString(), full.RootElement.GetProperty("probabilities").ToString());
    }

    [Fact]
    public void Inspect_ShowsTheTokenLimit()
    {
        var (code, stdout, stderr) = CliProcess.Run("inspect", "--model", _trained.ModelPath);
        Assert.True(code == 0, stderr);
        Assert.Contains("tokenizer: words, lower-case True, keep punctuation True, max tokens 3", stdout);
    }

    [Fact]
    public void Export_WritesTheTokenLimitToTokenizerJson()
    {
        string folder = Path.Combine(_trained.Directory, $"export-{Guid.NewGuid():N}");
        var (code, _, stderr) = CliProcess.Run("export", "--model", _trained.ModelPath, "--out", folder);
        Assert.True(code == 0, stderr);
        using var tokenizer = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer.json")));
        Assert.Equal(3, tokenizer.RootElement.GetProperty("maxTokens").GetInt32());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void Train_MaxTokensBelowOne_IsAUsageError(string value)
    {
        var (code, stdout, stderr) = CliProcess.Run("train", "classify", "--data", _trained.TrainPath, "--model", Path.Combine(_trained.Directory, "never.zip"), "--max-tokens", value);
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains($"--max-tokens must be at least 1, got {value}", stderr);
    }

    [Fact]
    public void Predict_EmptyAndWhitespaceText_HasNoTokensAndPredictsAsOneUnknownWord()
    {
        using var unknown = Predict("zzzzunseen");
        Assert.Equal("[1]", unknown.RootElement.GetProperty("ids").ToString());
        foreach (string text in new[] { "", "   ", "\t" })
        {
            using var blank = Predict(text);
            Assert.Empty(Tokens(blank));
            Assert.Equal("[1]", blank.RootElement.GetProperty("ids").ToString());
            Assert.Equal(unknown.RootElement.GetProperty("probabilities").ToString(), blank.RootElement.GetProperty("probabilities").ToString());
        }
    }

    [Fact]
    public void Train_InvalidUtf8_IsOneLineNamingTheFileAndLine()
    {
        string file = _trained.Write("latin1.tsv", [.. Encoding.UTF8.GetBytes("Text\tLabel\none\tyes\ntwo\tno\nna"), 0xEF, .. Encoding.UTF8.GetBytes("ve\tyes\n")]);
        string line = CliProcess.RunFailing("train", "classify", "--data", file, "--model", Path.Combine(_trained.Directory, "never.zip"));
        Assert.StartsWith($"error: Line 4 of '{file}' is not valid UTF-8 (bytes 0xef", line);
        Assert.False(File.Exists(Path.Combine(_trained.Directory, "never.zip")));
    }

    [Fact]
    public void Predict_RaggedRow_IsOneLineNamingTheFileAndLine()
    {
        string file = _trained.Write("ragged.tsv", "Text\tLabel\none\tyes\n\ntwo\tno\textra\n");
        string line = CliProcess.RunFailing("predict", "--model", _trained.ModelPath, "--data", file, "--json");
        Assert.StartsWith($"error: Line 4 of '{file}' has 3 fields but the header (line 1) has 2 (Text, Label)", line);
    }

    [Fact]
    public void Evaluate_UnclosedQuote_IsOneLineNamingTheLine()
    {
        string file = _trained.Write("unclosed.csv", "Text,Label\none,yes\n\"two,no\nthree,yes\n");
        string line = CliProcess.RunFailing("evaluate", "--model", _trained.ModelPath, "--data", file);
        Assert.StartsWith($"error: Line 3 of '{file}': the quote that opens field 1 never closes", line);
    }

    [Fact]
    public void Evaluate_LabelOnlyInTheTestFile_NamesTheLabelTheLineAndTheModelsClasses()
    {
        string file = _trained.Write("new-label.csv", "Text,Label\n\"one,\ntwo\",yes\nthree,maybe\n");
        string line = CliProcess.RunFailing("evaluate", "--model", _trained.ModelPath, "--data", file, "--json");
        Assert.Equal($"error: Line 4 (data row 2) of '{file}' has the label 'maybe', which is not one of the model's classes (no, yes); remove or relabel the row.", line);
    }

    [Fact]
    public void Predict_MissingColumn_NamesTheColumnTheFileAndItsColumns()
    {
        string file = _trained.Write("columns.tsv", "Body\tLabel\none\tyes\n");
        string line = CliProcess.RunFailing("predict", "--model", _trained.ModelPath, "--data", file, "--text-column", "Foo");
        Assert.Equal($"error: Column 'Foo' not found in '{file}'; its header (line 1) has: Body, Label. Name the column with --text-column.", line);
    }

    [Theory]
    [InlineData("empty.tsv", "", "is empty; it needs a header line")]
    [InlineData("header-only.tsv", "Text\tLabel\n", "has a header (line 1: Text, Label) but no data rows")]
    public void Evaluate_EmptyOrHeaderOnlyFile_SaysSo(string name, string content, string expected)
    {
        string file = _trained.Write(name, content);
        string line = CliProcess.RunFailing("evaluate", "--model", _trained.ModelPath, "--data", file);
        Assert.Equal($"error: Data file '{file}' {expected}", line[..(line.IndexOf(expected, StringComparison.Ordinal) + expected.Length)]);
    }

    [Fact]
    public void Predict_ByteOrderMarkCrlfAndBlankLines_PredictOneRowPerDataLine()
    {
        string file = _trained.Write("windows.tsv", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("Text\tLabel\r\n\r\none two\tyes\r\n\r\nseven\tno\r\n")]);
        var (code, stdout, stderr) = CliProcess.Run("predict", "--model", _trained.ModelPath, "--data", file, "--json");
        Assert.True(code == 0, stderr);
        var rows = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l)).ToList();
        Assert.Equal([["one", "two"], ["seven"]], rows.Select(Tokens));
        rows.ForEach(r => r.Dispose());
    }

    private JsonDocument Predict(string text)
    {
        var (code, stdout, stderr) = CliProcess.Run("predict", "--model", _trained.ModelPath, "--input", text, "--json");
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout.Trim());
    }

    private static string[] Tokens(JsonDocument prediction) => [.. prediction.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!)];

    /// <summary>Trains once per test class: a 1-epoch classifier on 40 rows of the "seven" task, with <c>--max-tokens 3</c>.</summary>
    public sealed class TrainedModel : IDisposable
    {
        public TrainedModel()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("mlnetrnn-baddata-").FullName;
            TrainPath = Path.Combine(Directory, "train.tsv");
            File.WriteAllLines(TrainPath, ["Text\tLabel", .. Synthetic.Rows(40, seed: 4).Select(r => $"{r.Text}\t{r.Label}")]);
            ModelPath = Path.Combine(Directory, "model.zip");
            var (code, _, stderr) = CliProcess.Run("train", "classify", "--data", TrainPath, "--model", ModelPath,
                "--epochs", "1", "--embedding", "4", "--hidden", "4", "--max-tokens", "3", "--seed", "2", "--json");
            Assert.True(code == 0, stderr);
        }

        public string Directory { get; }

        public string TrainPath { get; }

        public string ModelPath { get; }

        public string Write(string name, string content) => Write(name, Encoding.UTF8.GetBytes(content));

        public string Write(string name, byte[] content)
        {
            string path = Path.Combine(Directory, name);
            File.WriteAllBytes(path, content);
            return path;
        }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
