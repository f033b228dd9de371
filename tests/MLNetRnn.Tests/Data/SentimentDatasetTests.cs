using MLNetRnn.Data;

namespace MLNetRnn.Tests.Data;

/// <summary>Loads the committed <c>datasets/sentiment/train.tsv</c> (counts checked independently with cut/sort/uniq and grep).</summary>
public sealed class SentimentDatasetTests
{
    private readonly DataCatalog _catalog = new(new(20240501));

    [Fact]
    public void Train_LoadsAllRowsByHeaderName()
    {
        var view = _catalog.LoadFromTextFile<SentimentRow>(TrainPath());

        Assert.Equal(2384, view.RowCount);
        Assert.Equal("Text: String, Label: String", view.Schema.ToString());
        string[] text = view.GetColumn<string>("Text");
        string[] label = view.GetColumn<string>("Label");
        Assert.Equal("Plan on ordering from them again and again.", text[0]);
        Assert.Equal("positive", label[0]);
        Assert.Equal("negative", label[1]);
        Assert.Equal(1192, label.Count(l => l == "positive"));
        Assert.Equal(1192, label.Count(l => l == "negative"));
        Assert.Equal(57, text.Count(t => t.Contains('"')));
        Assert.DoesNotContain(text, string.IsNullOrWhiteSpace);
    }

    [Fact]
    public void Train_LoadsThroughTheUntypedLoader()
    {
        string path = TrainPath();
        var header = DataCatalog.ReadHeader(path, '\t');
        Assert.Equal(["Text", "Label"], header);

        var view = _catalog.LoadFromTextFile(path, [new("Label", typeof(string), header.ToList().IndexOf("Label"))]);
        Assert.Equal(2384, view.RowCount);
    }

    [Fact]
    public void Train_StratifiedSplitKeepsLabelsBalanced()
    {
        var split = _catalog.TrainTestSplit(_catalog.LoadFromTextFile<SentimentRow>(TrainPath()), 0.1, "Label", seed: 1);
        string[] test = split.TestSet.GetColumn<string>("Label");

        Assert.Equal(238, test.Length); // round(1192 * 0.1) = 119 per label
        Assert.Equal(119, test.Count(l => l == "positive"));
        Assert.Equal(2146, split.TrainSet.RowCount);
    }

    [Fact]
    public void Train_RoundTripsThroughObjects()
    {
        var view = _catalog.LoadFromTextFile<SentimentRow>(TrainPath());
        var rows = _catalog.CreateEnumerable<SentimentRow>(view).ToList();
        var again = _catalog.LoadFromEnumerable(rows);

        Assert.Equal(view.GetColumn<string>("Text"), again.GetColumn<string>("Text"));
        Assert.Equal(view.GetColumn<string>("Label"), again.GetColumn<string>("Label"));
    }

    private static string TrainPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MLNetRnn.sln")))
            {
                return Path.Combine(dir.FullName, "datasets", "sentiment", "train.tsv");
            }
        }

        throw new InvalidOperationException($"No folder above '{AppContext.BaseDirectory}' contains MLNetRnn.sln; cannot find datasets/sentiment/train.tsv.");
    }

    private sealed class SentimentRow
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";
    }
}
