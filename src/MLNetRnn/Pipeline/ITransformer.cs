using MLNetRnn.Data;

namespace MLNetRnn.Pipeline;

/// <summary>A fitted step of a pipeline: maps a <see cref="DataView"/> to a new one with added columns, as ML.NET's <c>ITransformer</c>.</summary>
public interface ITransformer
{
    /// <summary>Gets the schema <see cref="Transform"/> would produce for an input with <paramref name="inputSchema"/>.</summary>
    /// <param name="inputSchema">The input's columns.</param>
    /// <returns>The output's columns.</returns>
    /// <exception cref="ArgumentException">A needed input column is missing or of the wrong type; the message names it.</exception>
    DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

    /// <summary>Applies the step to every row.</summary>
    /// <param name="input">The rows.</param>
    /// <returns>The input's columns plus this step's outputs (an output replaces an input column of the same name).</returns>
    /// <exception cref="ArgumentException">A needed input column is missing or of the wrong type.</exception>
    DataView Transform(DataView input);
}
