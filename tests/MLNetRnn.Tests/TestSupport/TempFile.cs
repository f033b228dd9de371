using System.Text;

namespace MLNetRnn.Tests.TestSupport;

/// <summary>A uniquely named file under the temp folder, deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    private TempFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>Writes <paramref name="text"/> as UTF-8 exactly as given (line ends included), optionally with a byte-order mark.</summary>
    public static TempFile Write(string text, bool byteOrderMark = false, string extension = ".tsv")
    {
        var bytes = new UTF8Encoding(byteOrderMark).GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();
        return WriteBytes(bytes, extension);
    }

    /// <summary>Writes raw bytes.</summary>
    public static TempFile WriteBytes(byte[] bytes, string extension = ".tsv")
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mlnetrnn-data-{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(path, bytes);
        return new TempFile(path);
    }

    public void Dispose() => File.Delete(Path);
}
