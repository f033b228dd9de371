namespace MLNetRnn.Files;

/// <summary>
/// CRC-32 as zip stores it (ISO 3309 / ITU-T V.42: reflected polynomial 0xEDB88320, initial value and final XOR
/// 0xFFFFFFFF). .NET's <c>ZipArchive</c> does not check it when an entry is read (tested), so <see cref="UntrustedZip"/> does.
/// </summary>
internal sealed class Crc32
{
    private static readonly uint[] Table = MakeTable();

    private uint _state = 0xFFFFFFFFu;

    /// <summary>Gets the CRC of everything appended so far.</summary>
    public uint Value => ~_state;

    public void Append(ReadOnlySpan<byte> data)
    {
        uint c = _state;
        foreach (byte b in data)
        {
            c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        _state = c;
    }

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Of(ReadOnlySpan<byte> data)
    {
        var crc = new Crc32();
        crc.Append(data);
        return crc.Value;
    }

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
