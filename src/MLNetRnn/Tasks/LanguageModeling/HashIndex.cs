namespace MLNetRnn.LanguageModeling;

/// <summary>
/// An open-addressing table from 64-bit keys to non-negative ints: linear probing, a power-of-two capacity, at most 70 %
/// full (12 bytes a slot), no removal. The store behind <see cref="AdaptiveNGramModel"/>'s contexts and (context, id) pairs.
/// </summary>
internal sealed class HashIndex
{
    private ulong[] _keys = new ulong[1024]; // (capacity)
    private int[] _values = new int[1024];   // (capacity) value + 1; 0 = empty slot
    private int _count;
    private int _shift = 64 - 10;

    /// <summary>Returns the value stored under <paramref name="key"/>, or −1 when there is none.</summary>
    public int Find(ulong key)
    {
        int mask = _values.Length - 1;
        for (int s = Slot(key); ; s = (s + 1) & mask)
        {
            int v = _values[s];
            if (v == 0)
            {
                return -1;
            }

            if (_keys[s] == key)
            {
                return v - 1;
            }
        }
    }

    /// <summary>Stores a non-negative <paramref name="value"/> under a key that is not in the table yet.</summary>
    public void Add(ulong key, int value)
    {
        if ((long)(_count + 1) * 10 > (long)_values.Length * 7)
        {
            Grow();
        }

        Insert(key, value + 1);
        _count++;
    }

    private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15) >> _shift);

    private void Insert(ulong key, int stored)
    {
        int mask = _values.Length - 1;
        int s = Slot(key);
        while (_values[s] != 0)
        {
            s = (s + 1) & mask;
        }

        _keys[s] = key;
        _values[s] = stored;
    }

    private void Grow()
    {
        ulong[] keys = _keys;
        int[] values = _values;
        _keys = new ulong[checked(keys.Length * 2)];
        _values = new int[keys.Length * 2];
        _shift--;
        for (int s = 0; s < values.Length; s++)
        {
            if (values[s] != 0)
            {
                Insert(keys[s], values[s]);
            }
        }
    }
}
