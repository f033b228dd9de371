using System.Globalization;
using System.Text.RegularExpressions;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Packaging;

/// <summary>
/// examples/quickstart.cs, the README's quick start, run as the README says: <c>dotnet run examples/quickstart.cs</c>
/// from the repository root (a .NET 10 file-based app that references the library project).
/// </summary>
[Collection(PackagingTests.DotnetBuilds)]
public sealed class QuickStartTests
{
    [DotnetFact]
    public void QuickStart_TrainsOnTheSentimentDataAndPrintsAccuracyAndAPrediction()
    {
        // The configuration the tests were built with, so the library project it references is already built.
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        string output = DotnetCli.RunOrFail(Sentiment.Repository(), TimeSpan.FromMinutes(5), null,
            "run", "-c", configuration, Path.Combine("examples", "quickstart.cs"));

        var accuracy = Regex.Match(output, @"^test accuracy: (\d\.\d+) \(log-loss (\d+\.\d+)\)", RegexOptions.Multiline);
        Assert.True(accuracy.Success, output);
        // 299 held-out sentences, half of them positive: a model that learned nothing scores about 0.5.
        Assert.InRange(double.Parse(accuracy.Groups[1].Value, CultureInfo.InvariantCulture), 0.70, 1.0);

        var prediction = Regex.Match(output, "^prediction: \"The food was great and the staff were friendly.\" -> (\\w+) \\(p = (\\d\\.\\d+)\\)", RegexOptions.Multiline);
        Assert.True(prediction.Success, output);
        Assert.Equal("positive", prediction.Groups[1].Value);
    }
}
