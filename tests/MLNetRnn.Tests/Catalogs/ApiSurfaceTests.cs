using System.Reflection;
using Microsoft.ML;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Catalogs;

/// <summary>The library's boundaries: the engine never depends on ML.NET, and no public type shadows one of ML.NET's.</summary>
public sealed class ApiSurfaceTests
{
    [Theory]
    [InlineData("Numerics")]
    [InlineData("Layers")]
    [InlineData("Training")]
    [InlineData("Tensors")]
    public void EngineFolders_NeverReferenceMicrosoftML(string folder)
    {
        string root = Path.Combine(Sentiment.Repository(), "src", "MLNetRnn", folder);
        var offenders = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("Microsoft.ML", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f)).ToList();
        Assert.Empty(offenders);
        var types = typeof(RnnClassificationCatalog).Assembly.GetTypes().Where(t => t.Namespace == $"MLNetRnn.{folder}");
        Assert.DoesNotContain(types.SelectMany(Signatures), t => t.Assembly.GetName().Name!.StartsWith("Microsoft.ML", StringComparison.Ordinal));
    }

    [Fact]
    public void NoPublicType_IsNamedLikeAMicrosoftMLType()
    {
        var mlnet = new[] { typeof(MLContext), typeof(IDataView), typeof(Microsoft.ML.Transforms.Onnx.OnnxTransformer), typeof(Microsoft.ML.Tokenizers.Tokenizer),
            typeof(Microsoft.ML.Transforms.Text.TextNormalizingEstimator), typeof(Microsoft.ML.Trainers.SdcaMaximumEntropyMulticlassTrainer), typeof(Microsoft.ML.Data.TextLoader) }
            .Select(t => t.Assembly).Distinct().SelectMany(a => a.GetExportedTypes()).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var ours = typeof(RnnClassificationCatalog).Assembly.GetExportedTypes().Select(t => t.Name);
        Assert.DoesNotContain(ours, mlnet.Contains);
    }

    private static IEnumerable<Type> Signatures(Type type) =>
        type.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Select(f => f.FieldType)
            .Concat(type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
            .Concat(type.GetInterfaces());
}
