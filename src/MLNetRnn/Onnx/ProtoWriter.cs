using System.Buffers.Binary;
using System.Text;

namespace MLNetRnn.Onnx;

/// <summary>
/// The protocol-buffers wire format, write side: just what ONNX's messages need (varints, 32/64-bit fixed values,
/// length-delimited bytes, strings and nested messages). A nested message is written into its own writer first, so its
/// length is known when the parent writes it.
/// </summary>
/// <remarks>
/// A field starts with the key <c>(field number &lt;&lt; 3) | wire type</c> as a varint; wire types: 0 varint, 1 fixed
/// 64-bit, 2 length-delimited, 5 fixed 32-bit. Signed int32/int64 fields are plain two's-complement varints (10 bytes when
/// negative); ONNX uses no zig-zag fields. Repeated numbers are written packed (one length-delimited run), which every
/// protobuf parser accepts for proto2 fields too.
/// </remarks>
internal sealed class ProtoWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    /// <summary>A nested message: a new writer filled by <paramref name="write"/>.</summary>
    public static ProtoWriter Of(Action<ProtoWriter> write)
    {
        var w = new ProtoWriter();
        write(w);
        return w;
    }

    /// <summary>Gets the bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Varint(int field, long value)
    {
        Key(field, 0);
        RawVarint((ulong)value);
    }

    public void Fixed32(int field, float value)
    {
        Key(field, 5);
        BinaryPrimitives.WriteSingleLittleEndian(Grow(4), value);
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Key(field, 2);
        RawVarint((ulong)value.Length);
        value.CopyTo(Grow(value.Length));
    }

    public void String(int field, string value)
    {
        Key(field, 2);
        int count = Encoding.UTF8.GetByteCount(value);
        RawVarint((ulong)count);
        Encoding.UTF8.GetBytes(value, Grow(count));
    }

    /// <summary>Writes a string field only when the value is not empty (proto2 optional fields left unset).</summary>
    public void OptionalString(int field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            String(field, value);
        }
    }

    public void Message(int field, ProtoWriter message) => Bytes(field, message.Written);

    public void PackedVarints(int field, ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        var run = new ProtoWriter();
        foreach (long v in values)
        {
            run.RawVarint((ulong)v);
        }

        Bytes(field, run.Written);
    }

    public void PackedFloats(int field, ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        Key(field, 2);
        RawVarint((ulong)values.Length * 4);
        Span<byte> target = Grow(values.Length * 4);
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(target.Slice(i * 4, 4), values[i]);
        }
    }

    private void Key(int field, int wireType) => RawVarint((ulong)((field << 3) | wireType));

    private void RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            Grow(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }

        Grow(1)[0] = (byte)value;
    }

    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length)
        {
            long size = Math.Max((long)_buffer.Length * 2, (long)_length + count);
            if (size > Array.MaxLength)
            {
                throw new InvalidOperationException($"An ONNX message would exceed {Array.MaxLength} bytes; the model is too large for one protobuf message (ONNX's 2 GB limit).");
            }

            Array.Resize(ref _buffer, (int)size);
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
