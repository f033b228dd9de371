using System.Buffers.Binary;
using System.Text;

namespace MLNetRnn.Onnx;

/// <summary>
/// The protocol-buffers wire format, read side, over untrusted bytes: every length is checked against what remains
/// before anything is allocated, and a malformed varint, key or length ends in <see cref="InvalidDataException"/>.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next field key; returns the field number and sets the wire type.</summary>
    public int ReadKey(out int wireType)
    {
        ulong key = ReadVarint();
        wireType = (int)(key & 7);
        ulong field = key >> 3;
        if (field == 0 || field > int.MaxValue)
        {
            throw Malformed($"field number {field}");
        }

        return (int)field;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Malformed("a varint runs past the end");
            }

            byte b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw Malformed("a varint is longer than 10 bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    public int ReadInt32() => (int)(long)ReadVarint();

    public float ReadFixed32Single()
    {
        var bytes = Take(4);
        return BinaryPrimitives.ReadSingleLittleEndian(bytes);
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Malformed($"a field claims {length} bytes but only {_data.Length - _position} remain");
        }

        return Take((int)length);
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Skips a field of the given wire type.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 1: Take(8); break;
            case 2: ReadBytes(); break;
            case 5: Take(4); break;
            default: throw Malformed($"wire type {wireType}");
        }
    }

    /// <summary>Reads int64 values of a repeated field, packed (wire type 2) or one at a time (wire type 0).</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType == 0)
        {
            into.Add(ReadInt64());
            return;
        }

        Expect(wireType, 2);
        var run = new ProtoReader(ReadBytes());
        while (!run.AtEnd)
        {
            into.Add(run.ReadInt64());
        }
    }

    /// <summary>Reads float values of a repeated field, packed (wire type 2) or one at a time (wire type 5).</summary>
    public void ReadSingles(int wireType, List<float> into)
    {
        if (wireType == 5)
        {
            into.Add(ReadFixed32Single());
            return;
        }

        Expect(wireType, 2);
        var bytes = ReadBytes();
        if (bytes.Length % 4 != 0)
        {
            throw Malformed($"a packed float field has {bytes.Length} bytes, not a multiple of 4");
        }

        for (int i = 0; i < bytes.Length; i += 4)
        {
            into.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i, 4)));
        }
    }

    public static void Expect(int wireType, int expected)
    {
        if (wireType != expected)
        {
            throw Malformed($"wire type {wireType} where {expected} was expected");
        }
    }

    public static InvalidDataException Malformed(string what) =>
        new($"The ONNX model is not a valid protobuf message ({what}); the file is damaged or not an ONNX model.");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw Malformed("a field runs past the end");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
