using MLNetRnn.Data;

namespace MLNetRnn.Tests.Data;

public sealed class TrainTestDataTests
{
    [Fact]
    public void Record_ExposesAndDeconstructsBothSets()
    {
        var train = new DataView([("X", new[] { 1, 2 })]);
        var test = new DataView([("X", new[] { 3 })]);
        var (a, b) = new TrainTestData(train, test);

        Assert.Same(train, a);
        Assert.Same(test, b);
        Assert.Same(test, new TrainTestData(train, test).TestSet);
    }
}
