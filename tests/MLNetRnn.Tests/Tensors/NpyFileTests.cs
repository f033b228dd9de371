using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using MLNetRnn.Tensors;

namespace MLNetRnn.Tests.Tensors;

public sealed class NpyFileTests
{
    public static TheoryData<NpyDataType, int[]> DataTypesAndShapes()
    {
        var data = new TheoryData<NpyDataType, int[]>();
        foreach (NpyDataType dataType in Enum.GetValues<NpyDataType>())
        {
            int[][] shapes = [[], [0], [5], [2, 3, 4]];
            foreach (int[] shape in shapes)
            {
                data.Add(dataType, shape);
            }
        }

        return data;
    }

    /// <summary>Path of a numpy-written fixture made by fixtures/npy/make_npy_fixtures.py.</summary>
    internal static string Fixture(string name, [CallerFilePath] string sourceFile = "")
    {
        string copied = Path.Combine(AppContext.BaseDirectory, "fixtures", "npy", name);
        return File.Exists(copied)
            ? copied
            : Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "fixtures", "npy", name);
    }

    [Theory]
    [MemberData(nameof(DataTypesAndShapes))]
    public void Write_ThenRead_RoundTripsValuesAndShape(NpyDataType dataType, int[] shape)
    {
        NpyArray original = RandomArray(dataType, shape, new Random(20240501));

        NpyArray read = NpyFile.Read(new MemoryStream(ToBytes(original)));

        Assert.Equal(dataType, read.DataType);
        Assert.Equal(shape, read.Shape);
        Assert.Equal(original.Count, read.Count);
        AssertSameValues(original, read);
    }

    [Theory]
    [MemberData(nameof(DataTypesAndShapes))]
    public void Write_AlignsDataTo64Bytes(NpyDataType dataType, int[] shape)
    {
        NpyArray array = RandomArray(dataType, shape, new Random(20240501));

        byte[] bytes = ToBytes(array);

        int dataOffset = 10 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        int itemSize = dataType switch { NpyDataType.Bool => 1, NpyDataType.Float64 or NpyDataType.Int64 => 8, _ => 4 };
        Assert.Equal(0, dataOffset % 64);
        Assert.Equal((byte)'\n', bytes[dataOffset - 1]);
        Assert.Equal(dataOffset + array.Count * itemSize, bytes.Length);
    }

    [Fact]
    public void Write_MatchesNumpyHeaderLayout()
    {
        byte[] bytes = ToBytes(NpyArray.FromSingle(new float[12], 3, 4));

        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0], bytes[..10]);
        string header = Encoding.ASCII.GetString(bytes, 10, 118);
        Assert.Equal("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }" + new string(' ', 58) + "\n", header);
    }

    [Theory]
    [InlineData(NpyDataType.Float64, "<f8")]
    [InlineData(NpyDataType.Int32, "<i4")]
    [InlineData(NpyDataType.Int64, "<i8")]
    [InlineData(NpyDataType.Bool, "|b1")]
    public void Write_UsesNumpyDescriptor(NpyDataType dataType, string descriptor)
    {
        byte[] bytes = ToBytes(RandomArray(dataType, [5], new Random(20240501)));

        Assert.StartsWith($"{{'descr': '{descriptor}', 'fortran_order': False, 'shape': (5,), }}", Encoding.ASCII.GetString(bytes, 10, 60));
    }

    [Fact]
    public void Write_WritesLittleEndianElements()
    {
        byte[] bytes = ToBytes(NpyArray.FromInt32([0x01020304, -2], 2));

        Assert.Equal(new byte[] { 4, 3, 2, 1, 0xFE, 0xFF, 0xFF, 0xFF }, bytes[^8..]);
    }

    [Fact]
    public void Write_UsesVersion2WhenHeaderExceeds65535Bytes()
    {
        int[] shape = Enumerable.Repeat(1, 25_000).ToArray(); // "1, " per dimension: about 75,000 header bytes
        NpyArray array = NpyArray.FromInt64([7], shape);

        byte[] bytes = ToBytes(array);
        NpyArray read = NpyFile.Read(new MemoryStream(bytes));

        Assert.Equal(2, bytes[6]);
        Assert.Equal(0u, (12 + BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8))) % 64);
        Assert.Equal(shape, read.Shape);
        Assert.Equal([7L], read.ToInt64());
    }

    [Theory]
    [InlineData(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }")]
    [InlineData(1, "{'shape': (2,), 'fortran_order': False, 'descr': '<i4'}")]
    [InlineData(1, "{'fortran_order':False,'descr':'<i4','shape':(2,)}")]
    [InlineData(1, "  { \"descr\" : \"<i4\" ,\n 'shape' : ( 2 , ) , 'fortran_order' : False , }  \n")]
    [InlineData(1, "{'descr': 'i4', 'fortran_order': False, 'shape': [2]}")]
    [InlineData(1, "{'descr': '=i4', 'fortran_order': False, 'shape': (2L,)}")]
    [InlineData(1, "{'descr': '<i4', 'fortran_order': True, 'shape': (2,), }")]
    [InlineData(2, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }")]
    [InlineData(3, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }")]
    public void Read_ParsesHandWrittenHeaders(byte majorVersion, string header)
    {
        NpyArray read = NpyFile.Read(new MemoryStream(BuildNpy(majorVersion, header, [1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])));

        Assert.Equal(NpyDataType.Int32, read.DataType);
        Assert.Equal([2], read.Shape);
        Assert.Equal([1, -1], read.ToInt32());
    }

    [Theory]
    [InlineData("()", new int[0], 1)]
    [InlineData("(0,)", new[] { 0 }, 0)]
    [InlineData("(1, 0, 3)", new[] { 1, 0, 3 }, 0)]
    [InlineData("(1,2,1)", new[] { 1, 2, 1 }, 2)]
    public void Read_ParsesShapes(string shapeText, int[] shape, int count)
    {
        string header = $"{{'descr': '|b1', 'fortran_order': False, 'shape': {shapeText}, }}";

        NpyArray read = NpyFile.Read(new MemoryStream(BuildNpy(1, header, new byte[count])));

        Assert.Equal(shape, read.Shape);
        Assert.Equal(count, read.Count);
    }

    [Fact]
    public void Read_LeavesStreamAfterData()
    {
        var stream = new MemoryStream();
        NpyFile.Write(stream, NpyArray.FromInt32([1, 2], 2));
        NpyFile.Write(stream, NpyArray.FromSingle([3f], 1));
        stream.Position = 0;

        Assert.Equal([1, 2], NpyFile.Read(stream).ToInt32());
        Assert.Equal([3f], NpyFile.Read(stream).ToSingle());
        Assert.Equal(stream.Length, stream.Position);
    }

    [Fact]
    public void Read_NumpyFixtures_MatchValuesWrittenByNumpy()
    {
        NpyArray f4 = NpyFile.Read(Fixture("f4.npy"));
        Assert.Equal([2, 3], f4.Shape);
        Assert.Equal([-1.5f, 0f, 0.25f, 3.0e-3f, 1024f, -7.125f], f4.ToSingle());

        NpyArray f8 = NpyFile.Read(Fixture("f8.npy"));
        Assert.Equal(NpyDataType.Float64, f8.DataType);
        Assert.Equal([1.0 / 3.0, -2.5, 1.0e300], f8.ToDouble());

        NpyArray i4 = NpyFile.Read(Fixture("i4.npy"));
        Assert.Equal([2, 2], i4.Shape);
        Assert.Equal([-1, 2, int.MaxValue, int.MinValue], i4.ToInt32());

        NpyArray i8 = NpyFile.Read(Fixture("i8.npy"));
        Assert.Equal([-1L, 5_000_000_000L, long.MaxValue], i8.ToInt64());

        NpyArray b1 = NpyFile.Read(Fixture("b1.npy"));
        Assert.Equal([2, 3], b1.Shape);
        Assert.Equal([true, false, true, false, false, true], b1.ToBoolean());

        NpyArray scalar = NpyFile.Read(Fixture("scalar_f8.npy"));
        Assert.Empty(scalar.Shape);
        Assert.Equal([2.75], scalar.ToDouble());

        NpyArray empty = NpyFile.Read(Fixture("empty_i4.npy"));
        Assert.Equal([0], empty.Shape);
        Assert.Empty(empty.ToInt32());

        NpyArray v2 = NpyFile.Read(Fixture("v2_f4.npy"));
        Assert.Equal([3, 2], v2.Shape);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], v2.ToSingle());
    }

    [Fact]
    public void Read_ThrowsForBigEndianNumpyFile()
    {
        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(Fixture("big_endian_f4.npy")));

        Assert.Contains("'>f4' is big-endian", error.Message);
        Assert.Contains("<f4, <f8, <i4, <i8 and |b1", error.Message);
        Assert.Contains("big_endian_f4.npy", error.Message);
    }

    [Fact]
    public void Read_ThrowsForFortranOrderNumpyFile()
    {
        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(Fixture("fortran_f4.npy")));

        Assert.Contains("fortran_order True is not supported for shape (2, 3)", error.Message);
        Assert.Contains("np.ascontiguousarray", error.Message);
    }

    [Fact]
    public void Read_ThrowsForUnsupportedNumpyDtype()
    {
        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(Fixture("u1.npy")));

        Assert.Contains("dtype '|u1' is not supported", error.Message);
        Assert.Contains("<f4, <f8, <i4, <i8 and |b1", error.Message);
    }

    [Theory]
    [InlineData("<i2")]
    [InlineData("<U3")]
    [InlineData("|O")]
    [InlineData(">i8")]
    public void Read_ThrowsForUnsupportedDescriptor(string descriptor)
    {
        string header = $"{{'descr': '{descriptor}', 'fortran_order': False, 'shape': (1,), }}";

        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(BuildNpy(1, header, new byte[8]))));

        Assert.Contains($"'{descriptor}'", error.Message);
        Assert.Contains("supported dtypes are <f4, <f8, <i4, <i8 and |b1", error.Message);
    }

    [Fact]
    public void Read_ThrowsForStructuredDtype()
    {
        string header = "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }";

        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(BuildNpy(1, header, new byte[8]))));

        Assert.Contains("Structured .npy dtypes are not supported", error.Message);
    }

    [Fact]
    public void Read_ThrowsForBadMagic()
    {
        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream("hello world"u8.ToArray())));

        Assert.Contains("not a .npy file", error.Message);
        Assert.Contains("68656C6C6F20776F", error.Message);
    }

    [Fact]
    public void Read_ThrowsWithZipHintForNpzData()
    {
        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(Fixture("savez.npz")));

        Assert.Contains("not a .npy file", error.Message);
        Assert.Contains("NpzFile.Read", error.Message);
        Assert.Contains("savez.npz", error.Message);
    }

    [Fact]
    public void Read_ThrowsForEmptyStream()
    {
        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream()));

        Assert.Contains("not a .npy file", error.Message);
        Assert.Contains("an empty stream", error.Message);
    }

    [Theory]
    [InlineData(4, 0)]
    [InlineData(1, 1)]
    public void Read_ThrowsForUnsupportedVersion(byte major, byte minor)
    {
        byte[] bytes = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, minor, 0, 0];

        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(bytes)));

        Assert.Contains($"version {major}.{minor} is not supported", error.Message);
        Assert.Contains("1.0, 2.0 and 3.0", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_ThrowsForTruncatedData(bool seekable)
    {
        byte[] bytes = ToBytes(NpyArray.FromSingle(new float[12], 3, 4));
        byte[] truncated = bytes[..(bytes.Length - 28)];
        Stream stream = seekable ? new MemoryStream(truncated) : new ForwardOnlyStream(truncated);

        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(stream));

        Assert.Contains("truncated", error.Message);
        Assert.Contains("expected 48 bytes for shape (3, 4) of <f4, got 20", error.Message);
    }

    [Fact]
    public void Read_ThrowsForTruncatedHeader()
    {
        byte[] bytes = ToBytes(NpyArray.FromSingle([1f], 1))[..40];

        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(bytes)));

        Assert.Contains("header is truncated: expected 118 bytes, got 30", error.Message);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False}", "no 'shape' entry")]
    [InlineData("{'shape': (1,), 'fortran_order': False}", "no 'descr' entry")]
    [InlineData("{'descr': '<f4', 'shape': (1,)}", "no 'fortran_order' entry")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "dimension -1")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': ('a',)}", "'shape' must be a tuple of integers")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", "'fortran_order' must be True or False")]
    [InlineData("{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}", "at character 16: expected '}'")]
    [InlineData("{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}", "malformed")]
    [InlineData("{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}", "unexpected 'false'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "unexpected end of header")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x", "unexpected text after '}'")]
    public void Read_ThrowsForMalformedHeader(string header, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(BuildNpy(1, header, new byte[4]))));

        Assert.Contains(expected, error.Message);
        Assert.Contains("header", error.Message);
    }

    [Fact]
    public void Read_ThrowsFileNotFoundForMissingFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.npy");

        Assert.Throws<FileNotFoundException>(() => NpyFile.Read(path));
    }

    [Fact]
    public void WriteToPath_ReplacesFileAndLeavesNoTemporaryFile()
    {
        string folder = Directory.CreateTempSubdirectory("npy-tests-").FullName;
        try
        {
            string path = Path.Combine(folder, "weights.npy");
            File.WriteAllText(path, "old contents");

            NpyFile.Write(path, NpyArray.FromDouble([1.5, -2.5], 2));

            Assert.Equal([1.5, -2.5], NpyFile.Read(path).ToDouble());
            Assert.Equal([path], Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void WriteToPath_ThrowsAndLeavesNoFileWhenFolderIsMissing()
    {
        string path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}", "a.npy");

        Assert.Throws<DirectoryNotFoundException>(() => NpyFile.Write(path, NpyArray.FromInt32([1], 1)));
    }

    [Fact]
    public void Write_ThrowsForReadOnlyStream()
    {
        var error = Assert.Throws<ArgumentException>(() => NpyFile.Write(new MemoryStream([], writable: false), NpyArray.FromInt32([1], 1)));

        Assert.Equal("stream", error.ParamName);
    }

    internal static NpyArray RandomArray(NpyDataType dataType, int[] shape, Random random)
    {
        int count = shape.Aggregate(1, (product, dimension) => product * dimension);
        return dataType switch
        {
            NpyDataType.Float32 => NpyArray.FromSingle(Fill(count, () => (float)(random.NextDouble() * 200 - 100)), shape),
            NpyDataType.Float64 => NpyArray.FromDouble(Fill(count, () => random.NextDouble() * 2e10 - 1e10), shape),
            NpyDataType.Int32 => NpyArray.FromInt32(Fill(count, () => random.Next(int.MinValue, int.MaxValue)), shape),
            NpyDataType.Int64 => NpyArray.FromInt64(Fill(count, () => random.NextInt64(long.MinValue, long.MaxValue)), shape),
            _ => NpyArray.FromBoolean(Fill(count, () => random.Next(2) == 1), shape),
        };
    }

    internal static void AssertSameValues(NpyArray expected, NpyArray actual)
    {
        Assert.Equal(expected.DataType, actual.DataType);
        switch (expected.DataType)
        {
            case NpyDataType.Float32: Assert.Equal(expected.ToSingle(), actual.ToSingle()); break;
            case NpyDataType.Float64: Assert.Equal(expected.ToDouble(), actual.ToDouble()); break;
            case NpyDataType.Int32: Assert.Equal(expected.ToInt32(), actual.ToInt32()); break;
            case NpyDataType.Int64: Assert.Equal(expected.ToInt64(), actual.ToInt64()); break;
            default: Assert.Equal(expected.ToBoolean(), actual.ToBoolean()); break;
        }
    }

    private static T[] Fill<T>(int count, Func<T> next) => Enumerable.Range(0, count).Select(_ => next()).ToArray();

    private static byte[] ToBytes(NpyArray array)
    {
        var stream = new MemoryStream();
        NpyFile.Write(stream, array);
        return stream.ToArray();
    }

    /// <summary>A .npy file with a hand-written header (unpadded) in the given format version.</summary>
    private static byte[] BuildNpy(byte majorVersion, string header, byte[] data)
    {
        byte[] text = Encoding.UTF8.GetBytes(header);
        int lengthSize = majorVersion == 1 ? 2 : 4;
        var bytes = new byte[8 + lengthSize + text.Length + data.Length];
        "?NUMPY"u8.CopyTo(bytes);
        bytes[0] = 0x93;
        bytes[6] = majorVersion;
        if (majorVersion == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)text.Length);
        }

        text.CopyTo(bytes, 8 + lengthSize);
        data.CopyTo(bytes, 8 + lengthSize + text.Length);
        return bytes;
    }

    /// <summary>A read-only stream that cannot seek, like a network or zip-entry stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
