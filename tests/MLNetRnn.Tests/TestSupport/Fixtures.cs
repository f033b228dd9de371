using MLNetRnn.Tensors;

namespace MLNetRnn.Tests.TestSupport;

/// <summary>Locates and reads the committed PyTorch fixtures (see fixtures/make_torch_fixtures.py).</summary>
internal static class Fixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    public static IReadOnlyDictionary<string, NpyArray> Load(string name) => NpzFile.Read(PathOf(name));

    public static float[] F(this IReadOnlyDictionary<string, NpyArray> npz, string key) => npz[key].ToSingle();

    public static int[] I(this IReadOnlyDictionary<string, NpyArray> npz, string key) => npz[key].ToInt32();
}
