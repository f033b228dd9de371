namespace MLNetRnn.Data;

/// <summary>
/// One column to load with <see cref="DataCatalog.LoadFromTextFile(string, IReadOnlyList{TextColumn}, char, bool, bool, bool)"/>:
/// the column's name in the resulting <see cref="DataView"/>, its type, and the field of each line it comes from.
/// </summary>
/// <param name="Name">The column name in the loaded <see cref="DataView"/>; must be non-empty and unique.</param>
/// <param name="Type">
/// The column type: <see cref="string"/>, <see cref="float"/>, <see cref="double"/>, <see cref="int"/>,
/// <see cref="long"/> or <see cref="bool"/>. Checked when loading.
/// </param>
/// <param name="Index">The zero-based field position on each line (0 is the first field). Checked when loading.</param>
public sealed record TextColumn(string Name, Type Type, int Index);
