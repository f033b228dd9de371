namespace MLNetRnn.Files;

/// <summary>
/// Reads one zip entry through a length limit: it yields at most the entry's declared uncompressed size, fails when the
/// data holds more or less than that (a zip bomb, a truncated or edited entry), and checks the CRC-32 once the last
/// declared byte has been read. Every failure is an <see cref="InvalidDataException"/> naming the archive and entry.
/// </summary>
internal sealed class ZipEntryStream : Stream
{
    private readonly Stream _inner;
    private readonly long _declared;
    private readonly uint _expectedCrc;
    private readonly string _where;
    private readonly Crc32 _crc = new();
    private long _read;
    private bool _verified;

    public ZipEntryStream(Stream inner, long declared, uint expectedCrc, string where)
    {
        _inner = inner;
        _declared = declared;
        _expectedCrc = expectedCrc;
        _where = where;
        if (declared == 0)
        {
            VerifyEnd();
        }
    }

    /// <summary>Gets how many bytes are left before the declared size.</summary>
    public long Remaining => _declared - _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _declared;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long left = _declared - _read;
        if (left == 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var target = buffer[..(int)Math.Min(buffer.Length, left)];
        int got = InnerRead(target);
        if (got == 0)
        {
            throw new InvalidDataException($"{_where} ends after {_read} of the {_declared} bytes its header declares; the archive is truncated or damaged.");
        }

        _crc.Append(target[..got]);
        _read += got;
        if (_read == _declared)
        {
            VerifyEnd();
        }

        return got;
    }

    /// <summary>Requires that the reader consumed everything: no declared bytes are left unread.</summary>
    /// <exception cref="InvalidDataException">Bytes are left after what the reader needed.</exception>
    public void RequireConsumed(string what)
    {
        if (_read != _declared)
        {
            throw new InvalidDataException($"{_where} has {_declared - _read} bytes after {what}; the entry was edited or is damaged.");
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void VerifyEnd()
    {
        if (_verified)
        {
            return;
        }

        Span<byte> probe = stackalloc byte[1];
        if (InnerRead(probe) != 0)
        {
            throw new InvalidDataException($"{_where} holds more than the {_declared} bytes its header declares; the archive is damaged or a zip bomb.");
        }

        if (_crc.Value != _expectedCrc)
        {
            throw new InvalidDataException($"{_where} fails its CRC-32 check (stored {_expectedCrc:X8}, computed {_crc.Value:X8}); the data was changed or damaged. Get a fresh copy of the file.");
        }

        _verified = true;
    }

    private int InnerRead(Span<byte> buffer)
    {
        try
        {
            return _inner.Read(buffer);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or NotSupportedException or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{_where} cannot be decompressed ({e.Message}); the archive is damaged.", e);
        }
    }
}
