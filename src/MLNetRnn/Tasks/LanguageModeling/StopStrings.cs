namespace MLNetRnn.LanguageModeling;

/// <summary>
/// Streams generated text while watching for stop strings: text that could still be the start of a stop string is held
/// back until the next piece decides it; when a stop string appears, the text before it is released and the stream ends.
/// </summary>
internal sealed class StopStrings(IReadOnlyList<string> stops)
{
    private string _pending = string.Empty;

    /// <summary>Gets whether a stop string was found.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds a generated piece; returns the text that can be released now (possibly empty).</summary>
    public string Push(string piece)
    {
        _pending += piece;
        int at = -1;
        foreach (string stop in stops)
        {
            int i = _pending.IndexOf(stop, StringComparison.Ordinal);
            if (i >= 0 && (at < 0 || i < at))
            {
                at = i;
            }
        }

        if (at >= 0)
        {
            Stopped = true;
            string before = _pending[..at];
            _pending = string.Empty;
            return before;
        }

        int hold = 0; // the longest tail of the pending text that is a proper prefix of a stop string
        foreach (string stop in stops)
        {
            for (int n = Math.Min(stop.Length - 1, _pending.Length); n > hold; n--)
            {
                if (_pending.AsSpan(_pending.Length - n).SequenceEqual(stop.AsSpan(0, n)))
                {
                    hold = n;
                    break;
                }
            }
        }

        string release = _pending[..^hold];
        _pending = _pending[^hold..];
        return release;
    }

    /// <summary>Releases what is held back, at the end of generation.</summary>
    public string Flush()
    {
        string rest = _pending;
        _pending = string.Empty;
        return rest;
    }
}
