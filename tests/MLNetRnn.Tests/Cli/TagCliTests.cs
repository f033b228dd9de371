using System.Text.Json;
using Microsoft.ML;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Text;

namespace MLNetRnn.Tests.Cli;

/// <summary>
/// The tagging side of <c>mlnet-rnn</c>, run as a real process on slices of Brown: train tag (a POS tagger with character
/// features, a BIO name tagger with a CRF), evaluate --json (the contract's field names, scored on the saved model),
/// predict --json, inspect, export, and the errors.
/// </summary>
public sealed class TagCliTests(TagCliTests.TrainedTaggers trained) : IClassFixture<TagCliTests.TrainedTaggers>
{
    private readonly TrainedTaggers _trained = trained;

    [Fact]
    public void Train_PrintsEpochsAndASummaryWithTheValidationReport()
    {
        var lines = _trained.PosTrainOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // 2 epochs + summary
        using var summary = JsonDocument.Parse(lines[^1]);
        var root = summary.RootElement;
        Assert.Equal(TrainedTaggers.TrainSentences, root.GetProperty("rows").GetInt32());
        Assert.True(root.GetProperty("characterFeatures").GetBoolean());
        Assert.False(root.GetProperty("crf").GetBoolean());
        Assert.Contains("NOUN", root.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var validation = root.GetProperty("validation");
        Assert.Equal(Tokens(_trained.PosValidation), validation.GetProperty("count").GetInt64());
        Assert.Equal(JsonValueKind.Null, validation.GetProperty("entityF1").ValueKind); // POS tags are not BIO
        using var lastEpoch = JsonDocument.Parse(lines[^2]);
        // The loop's validation accuracy is the engine's; the summary's is the saved ML.NET model's (ONNX Runtime): the same.
        Assert.Equal(lastEpoch.RootElement.GetProperty("validationAccuracy").GetDouble(), validation.GetProperty("tokenAccuracy").GetDouble(), 6);
    }

    [Fact]
    public void Evaluate_Json_HasTheContractFieldsScoredOnTheSavedModel()
    {
        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.PosModel, "--data", _trained.PosValidation, "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(["tokenAccuracy", "oovAccuracy", "entityF1", "count"], root.EnumerateObject().Select(p => p.Name).Take(4));

        // Independent check: load the zip with plain ML.NET, tag the validation tokens, count matches and OOV tokens.
        var gold = ConllReader.Load(_trained.PosValidation);
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.LoadFromEnumerable(gold.Select(s => new Row { Tokens = [.. s.Tokens] }));
        var predicted = RoundTrip.Tokens(ml.Model.Load(_trained.PosModel, out _).Transform(rows), "PredictedTags");
        var known = ConllReader.Load(_trained.PosTrain).SelectMany(s => s.Tokens).ToHashSet(StringComparer.Ordinal);
        long tokens = 0, correct = 0, oov = 0, oovCorrect = 0;
        for (int s = 0; s < gold.Count; s++)
        {
            for (int i = 0; i < gold[s].Tokens.Count; i++)
            {
                bool right = predicted[s][i] == gold[s].Tags[i];
                tokens++;
                correct += right ? 1 : 0;
                if (!known.Contains(gold[s].Tokens[i]))
                {
                    oov++;
                    oovCorrect += right ? 1 : 0;
                }
            }
        }

        Assert.Equal(tokens, root.GetProperty("count").GetInt64());
        Assert.Equal((double)correct / tokens, root.GetProperty("tokenAccuracy").GetDouble(), 6);
        Assert.Equal(oov, root.GetProperty("oovCount").GetInt64());
        Assert.Equal((double)oovCorrect / oov, root.GetProperty("oovAccuracy").GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("entityF1").ValueKind);
        Assert.True(root.GetProperty("tokenAccuracy").GetDouble() > 0.5, stdout); // two short epochs already beat chance by far
        var perTag = root.GetProperty("perTag").EnumerateArray().ToList();
        Assert.Equal(gold.SelectMany(s => s.Tags).Count(t => t == "NOUN"), perTag.Single(t => t.GetProperty("tag").GetString() == "NOUN").GetProperty("support").GetInt64());
    }

    [Fact]
    public void Evaluate_BioTagsReportEntityF1AndTheTableInTheHumanOutput()
    {
        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.NamesModel, "--data", _trained.NamesValidation, "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        double f1 = json.RootElement.GetProperty("entityF1").GetDouble();
        Assert.InRange(f1, 0, 1);
        Assert.True(f1 > 0, stdout); // names are mostly capitalised words: the CRF tagger finds some
        (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.NamesModel, "--data", _trained.NamesValidation);
        Assert.True(code == 0, stderr);
        Assert.Contains("entities        precision", stdout);
        Assert.Contains("B-NAME", stdout);
        Assert.Contains("precision  recall      F1  support", stdout);
    }

    [Fact]
    public void Predict_InputPrintsTheTokensAndOneTagPerToken()
    {
        var (code, stdout, stderr) = CliProcess.Run("predict", "--model", _trained.PosModel, "--input", "The jury said it didn't like Atlanta's mayor.", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(["tokens", "tags"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["The", "jury", "said", "it", "didn't", "like", "Atlanta's", "mayor", "."], root.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()));
        var tags = root.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal(9, tags.Count);
        Assert.Equal("PUNCT", tags[^1]);
    }

    [Fact]
    public void Predict_DataPrintsOneJsonLinePerSentenceLine()
    {
        string sentences = Path.Combine(_trained.Directory, "sentences.txt");
        File.WriteAllLines(sentences, ["The dog barked .", "", "Mr. Smith left"]);
        var (code, stdout, stderr) = CliProcess.Run("predict", "--model", _trained.NamesModel, "--data", sentences, "--json");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // the blank line is skipped
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal(["Mr", ".", "Smith", "left"], second.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()));
        Assert.All(second.RootElement.GetProperty("tags").EnumerateArray(), t => Assert.Contains(t.GetString(), new[] { "B-NAME", "I-NAME", "O" }));
        Assert.Equal(4, second.RootElement.GetProperty("tags").GetArrayLength());
    }

    [Fact]
    public void InspectAndExport_WorkOnATagger()
    {
        var (code, stdout, stderr) = CliProcess.Run("inspect", "--model", _trained.PosModel, "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("SequenceTagging", json.RootElement.GetProperty("task").GetString());
        Assert.Contains("char.rnn.weight_ih_l0", json.RootElement.GetProperty("tensors").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        string folder = Path.Combine(_trained.Directory, "export");
        (code, stdout, stderr) = CliProcess.Run("export", "--model", _trained.NamesModel, "--out", folder, "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal(["B-NAME", "I-NAME", "O"], File.ReadAllLines(Path.Combine(folder, "labels.txt")));
        Assert.Contains("crf.transitions", MLNetRnn.Tensors.NpzFile.Read(Path.Combine(folder, "weights.npz")).Keys);
    }

    [Fact]
    public void Evaluate_MalformedConllIsOneLineErrorNamingTheFileAndLine()
    {
        string bad = Path.Combine(_trained.Directory, "bad.conll");
        File.WriteAllText(bad, "The\tDET\ncat\n");
        string line = CliProcess.RunFailing("evaluate", "--model", _trained.PosModel, "--data", bad, "--json");
        Assert.Contains("bad.conll line 2 has 1 column(s)", line);
    }

    [Fact]
    public void Options_ForAnotherTaskAreOneLineErrors()
    {
        string line = CliProcess.RunFailing("evaluate", "--model", _trained.PosModel, "--data", _trained.PosValidation, "--label-column", "X");
        Assert.Contains("--label-column is for text classification", line);
        Assert.Contains("token tagging", line);
        line = CliProcess.RunFailing("train", "tag", "--data", Path.Combine(_trained.Directory, "missing.conll"), "--model", Path.Combine(_trained.Directory, "m.zip"));
        Assert.Contains("missing.conll", line);
        line = CliProcess.RunFailing("predict", "--model", _trained.PosModel, "--input", "   ");
        Assert.Contains("--input has no words", line);
    }

    private static long Tokens(string conll) => ConllReader.Load(conll).Sum(s => s.Tokens.Count);

    public sealed class Row
    {
        public string[] Tokens { get; set; } = [];
    }

    /// <summary>Trains once per test class on the first 300 sentences of Brown's training file: a POS tagger with character features, and a BIO name tagger with a CRF.</summary>
    public sealed class TrainedTaggers : IDisposable
    {
        public const int TrainSentences = 300;

        public TrainedTaggers()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("mlnetrnn-tag-cli-").FullName;
            string brown = Path.Combine(Sentiment.Repository(), "datasets", "brown");
            PosTrain = Slice(Path.Combine(brown, "pos", "train.conll"), TrainSentences, "pos-train.conll");
            PosValidation = Slice(Path.Combine(brown, "pos", "validation.conll"), 80, "pos-validation.conll");
            PosModel = Path.Combine(Directory, "pos.zip");
            var (code, stdout, stderr) = CliProcess.Run("train", "tag", "--data", PosTrain, "--validation", PosValidation, "--model", PosModel, "--char-features",
                "--epochs", "2", "--embedding", "32", "--hidden", "32", "--char-embedding", "8", "--char-hidden", "8", "--batch-size", "16", "--learning-rate", "0.01", "--json");
            Assert.True(code == 0, stderr);
            PosTrainOutput = stdout;

            string namesTrain = Slice(Path.Combine(brown, "names", "train.conll"), TrainSentences, "names-train.conll");
            NamesValidation = Slice(Path.Combine(brown, "names", "validation.conll"), 80, "names-validation.conll");
            NamesModel = Path.Combine(Directory, "names.zip");
            (code, _, stderr) = CliProcess.Run("train", "tag", "--data", namesTrain, "--model", NamesModel, "--crf", "--cell", "gru",
                "--epochs", "3", "--embedding", "16", "--hidden", "16", "--batch-size", "16", "--learning-rate", "0.01", "--json");
            Assert.True(code == 0, stderr);
        }

        public string Directory { get; }

        public string PosTrain { get; }

        public string PosValidation { get; }

        public string PosModel { get; }

        public string PosTrainOutput { get; }

        public string NamesValidation { get; }

        public string NamesModel { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

        /// <summary>Writes the first <paramref name="sentences"/> sentences of a CoNLL file.</summary>
        private string Slice(string source, int sentences, string name)
        {
            string path = Path.Combine(Directory, name);
            File.WriteAllLines(path, ConllReader.Load(source).Take(sentences).SelectMany(s => s.Tokens.Zip(s.Tags, (t, g) => $"{t}\t{g}").Append(string.Empty)));
            return path;
        }
    }
}
