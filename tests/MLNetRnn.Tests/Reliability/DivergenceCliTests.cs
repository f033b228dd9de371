using MLNetRnn.Tests.Cli;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Reliability;

/// <summary><c>mlnet-rnn train</c> whose loss becomes NaN: one line naming the epoch, step and learning rate with the remedies.</summary>
public sealed class DivergenceCliTests
{
    [Fact]
    public void Train_WithAHugeLearningRate_StopsWithThePositionAndTheRemedy_OrAfterTheAllowedSkips()
    {
        string folder = Directory.CreateTempSubdirectory("mlnetrnn-nan-").FullName;
        try
        {
            string model = Path.Combine(folder, "nan.zip");
            string[] args = ["train", "classify", "--data", Sentiment.Dataset("train.tsv"), "--model", model, "--epochs", "2", "--learning-rate", "1e30",
                "--embedding", "8", "--hidden", "8"];
            var (code, _, stderr) = CliProcess.Run(args);
            Assert.Equal(1, code);
            string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            var first = System.Text.RegularExpressions.Regex.Match(line, @"^error: Training diverged at epoch 1, step (\d+): the loss was NaN with learning rate 1E\+30\. Lower the learning rate \(try 1E\+29\), clip gradients");
            Assert.True(first.Success, line);
            Assert.False(File.Exists(model));

            (code, _, stderr) = CliProcess.Run([.. args, "--skip-bad-batches", "3"]);
            Assert.Equal(1, code);
            var skipped = System.Text.RegularExpressions.Regex.Match(stderr, @"diverged at epoch 1, step (\d+)");
            Assert.Equal(int.Parse(first.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 3,
                int.Parse(skipped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)); // three bad batches skipped, the fourth stops it
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
