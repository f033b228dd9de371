using System.Collections;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Files;
using MLNetRnn.Tests.Tensors;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// ML.NET's binary saver writes a data view's blocks in the order its threads finish them. The two fixtures are the label
/// map (<c>DefaultMap.idv</c>) of two CLI trainings with the same seed and data, taken from their model zips before sealing:
/// the same blocks in the two possible orders (written by ML.NET 5.0.1's <c>Model.Save</c>).
/// </summary>
public sealed class IdvBlockOrderTests
{
    private static readonly byte[] First = File.ReadAllBytes(NpyFileTests.Fixture("../idv/labelmap-save1.idv"));
    private static readonly byte[] Second = File.ReadAllBytes(NpyFileTests.Fixture("../idv/labelmap-save2.idv"));

    [Fact]
    public void TwoSavesOfTheSameMap_DifferInBytes_ButBecomeTheSameFile()
    {
        Assert.False(First.AsSpan().SequenceEqual(Second), "the fixtures must show ML.NET's two block orders");
        Assert.Equal(First.Length, Second.Length);

        byte[] a = IdvBlockOrder.Canonical(First), b = IdvBlockOrder.Canonical(Second);

        Assert.Equal(a, b);
        Assert.True(a.AsSpan().SequenceEqual(First) || a.AsSpan().SequenceEqual(Second), "the canonical order is one of the orders ML.NET writes");
    }

    [Fact]
    public void CanonicalFile_ReadsBackAsTheSameRows_AndIsAFixedPoint()
    {
        byte[] canonical = IdvBlockOrder.Canonical(Second);

        Assert.Equal(Rows(First), Rows(canonical));
        Assert.Equal(Rows(Second), Rows(canonical));
        Assert.Equal(canonical, IdvBlockOrder.Canonical(canonical));
    }

    [Fact]
    public void ManyBlocks_AnyOrderML_NETMayWrite_BecomeOneFile_WithTheSameRows()
    {
        // Three columns of 20,000 rows: several blocks per column, which ML.NET's threads may write in any interleaving.
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 20_000).Select(i => new Wide { A = i, B = $"row {i}", C = [i, -i, i * 0.5f] });
        var data = ml.Data.LoadFromEnumerable(rows);
        var saved = new MemoryStream();
        ml.Data.SaveAsBinary(data, saved);
        byte[] original = saved.ToArray();
        byte[] canonical = IdvBlockOrder.Canonical(original);

        Assert.Equal(Rows(original), Rows(canonical));
        Assert.Equal(canonical, IdvBlockOrder.Canonical(canonical));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(256)]
    [InlineData(300)]
    public void DamagedOrTruncatedFile_IsReturnedUnchanged(int length)
    {
        byte[] cut = First[..Math.Min(length, First.Length)];

        Assert.Same(cut, IdvBlockOrder.Canonical(cut));
    }

    [Fact]
    public void LookupTableThatDoesNotTileTheBlocks_IsReturnedUnchanged()
    {
        // In this file the first column's lookup table is at byte 276: block offset 256, 10 bytes stored, 8 decoded.
        const int lookup = 276;
        Assert.Equal(256, System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(Second.AsSpan(lookup + 0, 8)) - 10);
        byte[] edited = (byte[])Second.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(edited.AsSpan(lookup, 8), 257); // overlaps the other block

        Assert.Same(edited, IdvBlockOrder.Canonical(edited));
    }

    /// <summary>Every row of an .idv as text, column by column.</summary>
    private static List<string> Rows(byte[] idv)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlnetrnn-idv-{Guid.NewGuid():N}.idv");
        File.WriteAllBytes(path, idv);
        try
        {
            var ml = new MLContext(seed: 1);
            var view = ml.Data.LoadFromBinary(path);
            return [.. view.Preview(maxRows: int.MaxValue).RowView.Select(r => string.Join(" | ", r.Values.Select(v => $"{v.Key}={Shown(v.Value)}")))];
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Shown(object value) => value switch
    {
        VBuffer<float> v => string.Join(",", v.DenseValues()),
        VBuffer<ReadOnlyMemory<char>> v => string.Join(",", v.DenseValues()),
        VBuffer<uint> v => string.Join(",", v.DenseValues()),
        IEnumerable e and not string => string.Join(",", e.Cast<object>()),
        _ => value.ToString() ?? "",
    };

    private sealed class Wide
    {
        public int A { get; set; }

        public string B { get; set; } = "";

        [VectorType(3)]
        public float[] C { get; set; } = [];
    }
}
