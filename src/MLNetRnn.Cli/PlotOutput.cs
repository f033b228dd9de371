using System.CommandLine;
using MLNetRnn.Layers;
using MLNetRnn.Plots;
using MLNetRnn.Training;

namespace MLNetRnn.Cli;

/// <summary>
/// The image options (<c>--plot</c>, <c>--attention</c>): a path ending in .png or .svg (anything else is a usage error,
/// exit 2), whose folder is checked before the command's work, written through a temporary file and a rename.
/// </summary>
internal static class PlotOutput
{
    /// <summary>An optional image path option with <paramref name="description"/>; its value must end in .png or .svg.</summary>
    public static Option<string?> Create(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description };
        AcceptOnlyImages(option);
        return option;
    }

    /// <summary>Makes a value of <paramref name="option"/> that does not end in .png or .svg a usage error.</summary>
    public static void AcceptOnlyImages(Option<string?> option) => option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<string?>() is { } path && !IsImagePath(path))
        {
            string extension = Path.GetExtension(path);
            result.AddError($"{option.Name} '{path}' must end in .png or .svg, got {(extension.Length == 0 ? "no extension" : $"'{extension}'")}.");
        }
    });

    /// <summary>Throws unless the folder <paramref name="path"/> goes into exists, so a wrong path fails before a long run.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static void RequireFolder(string? path, string optionName)
    {
        if (path is null)
        {
            return;
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? string.Empty;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The folder of {optionName} '{path}' ('{folder}') does not exist; create it or choose another path.");
        }
    }

    /// <summary>Saves <paramref name="image"/> to <paramref name="path"/> (PNG or SVG by extension) and returns the full path.</summary>
    public static string Save(PlotImage image, string path)
    {
        image.Save(path);
        return Path.GetFullPath(path);
    }

    /// <summary>
    /// Writes the training curves of <paramref name="history"/> to <paramref name="path"/> when it is not null; without
    /// <paramref name="json"/> says where on stdout (with it prints nothing, so the JSON lines stay as they were).
    /// </summary>
    public static void TrainingCurves(string? path, IReadOnlyList<TrainingProgress> history, string title, bool json)
    {
        if (path is null)
        {
            return;
        }

        string written = Save(RnnPlots.TrainingCurves(history, title), path);
        if (!json)
        {
            Console.WriteLine($"training curves: {written}");
        }
    }

    /// <summary>The cell's usual name: SimpleRNN, LSTM or GRU.</summary>
    public static string CellName(RecurrentCellType cell) => cell switch
    {
        RecurrentCellType.SimpleRnn => "SimpleRNN",
        RecurrentCellType.Gru => "GRU",
        _ => "LSTM",
    };

    private static bool IsImagePath(string path) =>
        Path.GetExtension(path) is { } e && (e.Equals(".png", StringComparison.OrdinalIgnoreCase) || e.Equals(".svg", StringComparison.OrdinalIgnoreCase));
}
