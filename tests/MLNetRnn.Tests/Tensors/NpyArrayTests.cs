using MLNetRnn.Tensors;

namespace MLNetRnn.Tests.Tensors;

public sealed class NpyArrayTests
{
    [Theory]
    [InlineData(new int[0], 1)]
    [InlineData(new[] { 0 }, 0)]
    [InlineData(new[] { 5 }, 5)]
    [InlineData(new[] { 2, 0, 4 }, 0)]
    [InlineData(new[] { 2, 3, 4 }, 24)]
    public void Count_IsProductOfShape(int[] shape, int count)
    {
        NpyArray array = NpyArray.FromDouble(new double[count], shape);

        Assert.Equal(count, array.Count);
        Assert.Equal(shape, array.Shape);
        Assert.Equal(count, array.ToDouble().Length);
    }

    [Fact]
    public void FromSingle_ThrowsWhenLengthDiffersFromShape()
    {
        var error = Assert.Throws<ArgumentException>(() => NpyArray.FromSingle(new float[5], 2, 3));

        Assert.Equal("data", error.ParamName);
        Assert.Contains("The data has 5 elements but shape (2, 3) needs 6", error.Message);
    }

    [Fact]
    public void FromInt64_ThrowsWithScalarHintWhenShapeIsEmpty()
    {
        var error = Assert.Throws<ArgumentException>(() => NpyArray.FromInt64(new long[3]));

        Assert.Contains("The data has 3 elements but shape () needs 1", error.Message);
        Assert.Contains("pass data.Length for a vector", error.Message);
    }

    [Fact]
    public void FromInt32_ThrowsForNegativeDimension()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => NpyArray.FromInt32([], 2, -1));

        Assert.Equal("shape", error.ParamName);
        Assert.Contains("shape (2, -1) has -1", error.Message);
    }

    [Fact]
    public void FromSingle_CopiesDataAndShape()
    {
        float[] data = [1f, 2f];
        int[] shape = [2];
        NpyArray array = NpyArray.FromSingle(data, shape);

        data[0] = 9f;
        shape[0] = 9;
        array.Shape[0] = 9;
        array.ToSingle()[1] = 9f;

        Assert.Equal([1f, 2f], array.ToSingle());
        Assert.Equal([2], array.Shape);
        Assert.Equal("NpyArray Float32 (2,)", array.ToString());
    }

    [Fact]
    public void Conversions_WidenAndMapBooleansToZeroOrOne()
    {
        NpyArray booleans = NpyArray.FromBoolean([true, false], 2);
        NpyArray longs = NpyArray.FromInt64([-3, 1L << 40], 2);

        Assert.Equal([1, 0], booleans.ToInt32());
        Assert.Equal([1L, 0L], booleans.ToInt64());
        Assert.Equal([1f, 0f], booleans.ToSingle());
        Assert.Equal([-3f, 1099511627776f], longs.ToSingle());
        Assert.Equal([-3L, 7L], NpyArray.FromInt32([-3, 7], 2).ToInt64());
        Assert.Equal([0.5f], NpyArray.FromDouble([0.5], 1).ToSingle());
    }

    [Fact]
    public void ToInt32_ThrowsForFloatingPoint()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NpyArray.FromSingle([1f], 1).ToInt32());

        Assert.Contains("Cannot read a Float32 array with ToInt32", error.Message);
        Assert.Contains("ToSingle", error.Message);
    }

    [Fact]
    public void ToInt64_ThrowsForFloatingPoint()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NpyArray.FromDouble([1.0], 1).ToInt64());

        Assert.Contains("Cannot read a Float64 array with ToInt64", error.Message);
    }

    [Fact]
    public void ToInt32_ThrowsForInt64OutsideRange()
    {
        var error = Assert.Throws<OverflowException>(() => NpyArray.FromInt64([1, 5_000_000_000], 2).ToInt32());

        Assert.Contains("Element 1 of the Int64 array is 5000000000", error.Message);
        Assert.Contains("ToInt64", error.Message);
    }

    [Fact]
    public void ToBoolean_ThrowsForNumbers()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NpyArray.FromInt32([1], 1).ToBoolean());

        Assert.Contains("ToBoolean needs a Bool array, but this array is Int32", error.Message);
    }
}
