using System.Text;
using Microsoft.ML;
using MLNetRnn.Tensors;

namespace MLNetRnn.Cli;

/// <summary>
/// Writes the commands' output files through a temporary file in the same folder and a rename, so a failure never
/// leaves half a file (the library's <see cref="NpyFile.WriteFileAtomically"/>, which .npz writing uses too).
/// </summary>
internal static class OutputFiles
{
    /// <summary>Saves <paramref name="model"/> as a standard ML.NET .zip whose input schema is one String column, <paramref name="inputColumn"/>.</summary>
    public static void SaveModel(MLContext ml, ITransformer model, string inputColumn, string path)
    {
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(inputColumn, Microsoft.ML.Data.TextDataViewType.Instance);
        ml.Model.SaveAtomically(model, schema.ToSchema(), path);
    }

    /// <summary>Writes UTF-8 text without a byte-order mark.</summary>
    public static void WriteText(string path, string text) => Write(path, stream =>
    {
        byte[] bytes = new UTF8Encoding(false).GetBytes(text);
        stream.Write(bytes);
    });

    public static void WriteBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    public static void Write(string path, Action<Stream> write) => NpyFile.WriteFileAtomically(path, write);
}
