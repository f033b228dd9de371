namespace MLNetRnn.Data;

/// <summary>The two parts returned by <see cref="DataCatalog.TrainTestSplit(DataView, double, string?, int?)"/>.</summary>
/// <param name="TrainSet">The rows to fit on (about <c>1 - testFraction</c> of them), in their original relative order.</param>
/// <param name="TestSet">The held-out rows to evaluate on (about <c>testFraction</c> of them), in their original relative order.</param>
public sealed record TrainTestData(DataView TrainSet, DataView TestSet);
