using MLNetRnn.Diagnostics;
using MLNetRnn.Layers;
using MLNetRnn.Plots;

namespace MLNetRnn.Tests.Plots;

/// <summary><see cref="PlotImage"/>: the format follows the extension, files appear whole (temporary file, then rename), and a bad path is refused with a message naming it.</summary>
public sealed class PlotImageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetrnn-plots-").FullName;

    private static PlotImage Image => RnnPlots.GradientFlow([new GradientFlowResult(RecurrentCellType.Lstm, 3, [0.01, 0.1, 1])]);

    [Theory]
    [InlineData("flow.png")]
    [InlineData("flow.PNG")]
    public void Save_PngExtensionWritesAPng(string name)
    {
        string path = Path.Combine(_folder, name);
        Image.Save(path);
        PlotAssert.Png(File.ReadAllBytes(path), 800, 500);
        Assert.Equal([name], Directory.GetFiles(_folder).Select(Path.GetFileName)); // no temporary file left behind
    }

    [Fact]
    public void Save_SvgExtensionWritesUtf8SvgWithoutByteOrderMark()
    {
        string path = Path.Combine(_folder, "flow.svg");
        File.WriteAllText(path, "an older file");
        Image.Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.NotEqual(0xEF, bytes[0]);
        Assert.Contains("LSTM", PlotAssert.Svg(File.ReadAllText(path), 800, 500));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Theory]
    [InlineData("flow.jpg", "'.jpg'")]
    [InlineData("flow", "no extension")]
    public void Save_OtherExtensionsThrowNamingIt(string name, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => Image.Save(Path.Combine(_folder, name)));
        Assert.Contains(named, e.Message);
        Assert.Contains(".png or .svg", e.Message);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public void Save_ThrowsWhenTheFolderIsMissing() =>
        Assert.Throws<DirectoryNotFoundException>(() => Image.Save(Path.Combine(_folder, "missing", "flow.png")));

    [Fact]
    public void Resize_RendersTheSameChartAtAnotherSize()
    {
        var small = Image.Resize(400, 250);
        Assert.Equal((400, 250), (small.Width, small.Height));
        PlotAssert.Png(small.ToPng(), 400, 250);
        Assert.Contains("LSTM", PlotAssert.Svg(small.ToSvg(), 400, 250));
        Assert.Throws<ArgumentOutOfRangeException>(() => Image.Resize(50, 250));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
