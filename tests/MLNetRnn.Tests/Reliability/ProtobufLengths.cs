namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// Finds the length prefixes of a protobuf message's length-delimited fields (ONNX graphs), recursing into payloads that
/// parse as messages themselves, so a fuzz case can set a real length to a huge value.
/// </summary>
internal static class ProtobufLengths
{
    public static List<(int Offset, int Width)> Find(byte[] bytes)
    {
        var found = new List<(int, int)>();
        Walk(bytes, 0, bytes.Length, 0, found);
        return found;
    }

    private static bool Walk(byte[] b, int start, int end, int depth, List<(int, int)> found)
    {
        var local = new List<(int, int)>();
        int p = start;
        while (p < end)
        {
            if (!Varint(b, ref p, end, out ulong key) || key >> 3 == 0)
            {
                return false;
            }

            switch ((int)(key & 7))
            {
                case 0:
                    if (!Varint(b, ref p, end, out _))
                    {
                        return false;
                    }

                    break;
                case 1:
                    p += 8;
                    break;
                case 5:
                    p += 4;
                    break;
                case 2:
                    int at = p;
                    if (!Varint(b, ref p, end, out ulong length) || length > (ulong)(end - p))
                    {
                        return false;
                    }

                    local.Add((at, p - at));
                    var inner = new List<(int, int)>();
                    if (depth < 10 && length > 0 && Walk(b, p, p + (int)length, depth + 1, inner))
                    {
                        local.AddRange(inner);
                    }

                    p += (int)length;
                    break;
                default:
                    return false;
            }

            if (p > end)
            {
                return false;
            }
        }

        found.AddRange(local);
        return true;
    }

    private static bool Varint(byte[] b, ref int p, int end, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && p < end; shift += 7)
        {
            byte x = b[p++];
            value |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
