using System.Security.Cryptography;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Data;

/// <summary>The committed <c>datasets/weather</c> files agree with their README: the published file unchanged, split by year.</summary>
public sealed class WeatherDatasetTests
{
    private static string File(string name) => Path.Combine(Sentiment.Repository(), "datasets", "weather", name);

    [Fact]
    public void WholeFile_IsThePublishedOne_AndTrainThenTestRebuildIt()
    {
        Assert.Equal("0845078a290b48e3149ab8639966824110a251db4e06fc144c06ebb534af23be",
            Convert.ToHexStringLower(SHA256.HashData(System.IO.File.ReadAllBytes(File("seattle-weather.csv")))));
        string[] whole = System.IO.File.ReadAllLines(File("seattle-weather.csv"));
        string[] train = System.IO.File.ReadAllLines(File("train.csv"));
        string[] test = System.IO.File.ReadAllLines(File("test.csv"));
        Assert.Equal("date,precipitation,temp_max,temp_min,wind,weather", whole[0]);
        Assert.Equal(whole[0], train[0]);
        Assert.Equal(whole[0], test[0]);
        Assert.Equal<string>(whole, [whole[0], .. train[1..], .. test[1..]]);
        Assert.Equal((1_096, 365), (train.Length - 1, test.Length - 1));
        Assert.StartsWith("2014-12-31,", train[^1]);
        Assert.All(test[1..], l => Assert.StartsWith("2015-", l));
    }

    [Fact]
    public void Dates_AreConsecutiveDaysWithEveryValuePresent()
    {
        var rows = System.IO.File.ReadAllLines(File("seattle-weather.csv"))[1..].Select(l => l.Split(',')).ToArray();
        var first = DateTime.Parse(rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(first.AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), rows[i][0]);
            Assert.All(rows[i][1..5], v => Assert.True(float.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out _), $"row {i + 1}: '{v}'"));
        }
    }
}
