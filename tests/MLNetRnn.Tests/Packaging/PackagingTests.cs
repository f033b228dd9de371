using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Packaging;

/// <summary>
/// The packages as a user gets them: <c>dotnet pack</c> makes the library package <c>MLNetRnn</c> and the
/// <c>mlnet-rnn</c> tool package into a temporary folder; the tool is installed from that folder with
/// <c>dotnet tool install</c> and trains and predicts; the library is restored into a new console app outside the
/// repository (so none of its Directory.*.props apply), which fits and predicts with an MLNetRnn pipeline.
/// </summary>
/// <remarks>
/// Packages get a version of their own per run (<c>0.1.0-test.&lt;time&gt;</c>), and restores and installs use a
/// private packages folder that falls back on the machine's NuGet cache for ML.NET and the rest: so a package packed
/// in an earlier run can never be served from a cache, and the machine's cache gets nothing new.
/// </remarks>
[Collection(DotnetBuilds)]
public sealed class PackagingTests : IClassFixture<PackagingTests.PackedPackages>
{
    /// <summary>Tests that build projects of this repository run one at a time, never two builds of one project at once.</summary>
    public const string DotnetBuilds = "dotnet builds";

    private static readonly TimeSpan Minutes3 = TimeSpan.FromMinutes(3);
    private readonly PackedPackages _packed;

    public PackagingTests(PackedPackages packed) => _packed = packed;

    [DotnetFact]
    public void LibraryPackage_HasAssemblyDocsReadmeLicenseAndTheMLNetDependencies()
    {
        using var package = ZipFile.OpenRead(_packed.PackagePath("MLNetRnn"));
        string[] entries = [.. package.Entries.Select(e => e.FullName).Where(n => !IsPackagingPart(n))];
        Assert.Equal(["LICENSE", "MLNetRnn.nuspec", "PACKAGE.md", "lib/net10.0/MLNetRnn.dll", "lib/net10.0/MLNetRnn.xml"], entries.Order(StringComparer.Ordinal));

        var nuspec = Xml(package, "MLNetRnn.nuspec");
        var metadata = nuspec.Element(nuspec.Name.Namespace + "metadata")!;
        string Value(string name) => metadata.Element(metadata.Name.Namespace + name)?.Value ?? string.Empty;
        Assert.Equal("MLNetRnn", Value("id"));
        Assert.Equal(_packed.Version, Value("version"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("expression", metadata.Element(metadata.Name.Namespace + "license")!.Attribute("type")!.Value);
        Assert.Equal("PACKAGE.md", Value("readme"));
        Assert.Equal("MLNetRnn contributors", Value("authors"));
        Assert.Contains("ML.NET", Value("description"), StringComparison.Ordinal);
        Assert.Contains("lstm", Value("tags").Split(' '));
        Assert.Equal("git", metadata.Element(metadata.Name.Namespace + "repository")!.Attribute("type")!.Value);

        // Every package the library references, at the version Directory.Packages.props names, and nothing else.
        var dependencies = metadata.Descendants(metadata.Name.Namespace + "dependency")
            .ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);
        string[] expected = ["Microsoft.ML", "Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxTransformer", "Microsoft.ML.Tokenizers", "System.Numerics.Tensors"];
        Assert.Equal(expected, dependencies.Keys.Order(StringComparer.Ordinal));
        foreach (string id in expected)
        {
            Assert.Equal(CentralVersion(id), dependencies[id]);
        }

        // The XML docs are the library's (so IntelliSense shows them), and the readme links nothing the package lacks.
        using (var reader = new StreamReader(package.GetEntry("lib/net10.0/MLNetRnn.xml")!.Open()))
        {
            Assert.Contains("<name>MLNetRnn</name>", reader.ReadToEnd(), StringComparison.Ordinal);
        }

        using (var reader = new StreamReader(package.GetEntry("PACKAGE.md")!.Open()))
        {
            string readme = reader.ReadToEnd();
            Assert.Empty(Regex.Matches(readme, @"\]\((?!https?://|#)[^)]*\)").Select(m => m.Value));
            Assert.Contains("Trainers.Lstm", readme, StringComparison.Ordinal);
        }

        using var symbols = ZipFile.OpenRead(Path.ChangeExtension(_packed.PackagePath("MLNetRnn"), ".snupkg"));
        Assert.Contains("lib/net10.0/MLNetRnn.pdb", symbols.Entries.Select(e => e.FullName));
    }

    [DotnetFact]
    public void ToolPackage_PointsToAPackageForThisPlatformThatHasOnlyItsNativeLibraries()
    {
        using (var pointer = ZipFile.OpenRead(_packed.PackagePath("MLNetRnn.Cli")))
        {
            Assert.Equal("DotnetTool", Xml(pointer, "MLNetRnn.Cli.nuspec").Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name")!.Value);
            var settings = Xml(pointer, "tools/any/any/DotnetToolSettings.xml");
            Assert.Equal("mlnet-rnn", settings.Descendants("Command").Single().Attribute("Name")!.Value);
            var ridPackage = Assert.Single(settings.Descendants("RuntimeIdentifierPackage"));
            Assert.Equal(_packed.ToolRid, ridPackage.Attribute("RuntimeIdentifier")!.Value);
            Assert.Equal($"MLNetRnn.Cli.{_packed.ToolRid}", ridPackage.Attribute("Id")!.Value);
        }

        string path = _packed.PackagePath($"MLNetRnn.Cli.{_packed.ToolRid}");
        using var package = ZipFile.OpenRead(path);
        string[] entries = [.. package.Entries.Select(e => e.FullName)];
        string tools = $"tools/net10.0/{_packed.ToolRid}/";
        Assert.Equal("dotnet", Xml(package, tools + "DotnetToolSettings.xml").Descendants("Command").Single().Attribute("Runner")!.Value);
        Assert.Contains(tools + "mlnet-rnn.dll", entries);
        Assert.Contains(tools + "MLNetRnn.dll", entries);
        Assert.Contains(tools + "Microsoft.ML.OnnxRuntime.dll", entries);
        Assert.Contains("LICENSE", entries);
        Assert.Contains("PACKAGE.md", entries);
        if (_packed.ToolRid != "any")
        {
            // This platform's ONNX Runtime next to the tool, and no other platform's.
            Assert.Contains(entries, e => e.StartsWith(tools, StringComparison.Ordinal) && OnnxRuntimeLibrary.IsMatch(Path.GetFileName(e)));
            Assert.DoesNotContain(entries, e => e.Contains("/runtimes/", StringComparison.Ordinal));
        }

        // Nothing a console tool never loads: mobile builds of ONNX Runtime, native debug symbols, import libraries, API docs.
        Assert.DoesNotContain(entries, e => e.Contains("runtimes/android/", StringComparison.Ordinal) || e.Contains("runtimes/ios/", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.EndsWith(".dbg", StringComparison.Ordinal) || e.EndsWith(".dwarf", StringComparison.Ordinal) || e.EndsWith(".lib", StringComparison.Ordinal));
        Assert.DoesNotContain(tools + "MLNetRnn.xml", entries);
        Assert.DoesNotContain(entries, e => e.Contains("Tests", StringComparison.Ordinal) || e.Contains("Benchmarks", StringComparison.Ordinal) || e.Contains("xunit", StringComparison.OrdinalIgnoreCase));
        long megabytes = new FileInfo(path).Length >> 20;
        Assert.True(megabytes < (_packed.ToolRid == "any" ? 100 : 30), $"{Path.GetFileName(path)} is {megabytes} MB");
    }

    [DotnetFact]
    public void Tool_InstalledFromTheFolder_PrintsItsVersionTrainsAndPredicts()
    {
        string tools = Path.Combine(_packed.Root, "tools");
        DotnetCli.RunOrFail(_packed.Root, Minutes3, _packed.Environment,
            "tool", "install", "MLNetRnn.Cli", "--tool-path", tools, "--version", _packed.Version, "--configfile", _packed.NuGetConfig);
        Assert.True(Directory.Exists(Path.Combine(tools, ".store", "mlnetrnn.cli", _packed.Version, $"mlnetrnn.cli.{_packed.ToolRid}")),
            $"dotnet tool install did not install the {_packed.ToolRid} package");
        string mlnetRnn = Path.Combine(tools, OperatingSystem.IsWindows() ? "mlnet-rnn.exe" : "mlnet-rnn");

        var (code, stdout, stderr) = DotnetCli.Run(mlnetRnn, _packed.Root, Minutes3, _packed.Environment, "--version");
        Assert.True(code == 0, stderr);
        Assert.StartsWith(RepositoryVersion(), stdout.Trim(), StringComparison.Ordinal);

        string data = Path.Combine(_packed.Root, "small.tsv");
        File.WriteAllLines(data, File.ReadLines(Sentiment.Dataset("train.tsv")).Take(41)); // header + 40 rows
        string model = Path.Combine(_packed.Root, "tool-model.zip");
        (code, stdout, stderr) = DotnetCli.Run(mlnetRnn, _packed.Root, Minutes3, _packed.Environment,
            "train", "classify", "--data", data, "--model", model, "--epochs", "2", "--embedding", "8", "--hidden", "8", "--json");
        Assert.True(code == 0, stderr);
        using (var summary = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]))
        {
            Assert.Equal(model, summary.RootElement.GetProperty("model").GetString());
            Assert.Equal(40, summary.RootElement.GetProperty("rows").GetInt32());
        }

        (code, stdout, stderr) = DotnetCli.Run(mlnetRnn, _packed.Root, Minutes3, _packed.Environment, "predict", "--model", model, "--data", data, "--json");
        Assert.True(code == 0, stderr);
        var rows = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();
        Assert.Equal(40, rows.Length);
        Assert.All(rows, row => Assert.Contains(row.GetProperty("label").GetString(), new[] { "negative", "positive" }));
        Assert.All(rows, row => Assert.Equal(1.0, row.GetProperty("probabilities").EnumerateObject().Sum(p => p.Value.GetDouble()), 3));
    }

    [DotnetFact]
    public void LibraryPackage_RestoredIntoANewApp_FitsAnMLNetPipelineAndPredicts()
    {
        string app = Directory.CreateDirectory(Path.Combine(_packed.Root, "app")).FullName;
        // Empty Directory.Build.* files stop MSBuild from looking further up for others (none of the repository's apply here).
        File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(app, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="MLNetRnn" Version="{_packed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Microsoft.ML;
            using Microsoft.ML.Data;
            using MLNetRnn;

            var ml = new MLContext(seed: 1);
            var data = ml.Data.TakeRows(ml.Data.LoadFromTextFile<Review>(args[0], hasHeader: true), 40);
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.Transforms.Text.TokenizeWords("Tokens", "Text"))
                .Append(ml.Transforms.Text.MapTokensToIds("Ids", "Tokens"))
                .Append(ml.MulticlassClassification.Trainers.Lstm(labelColumnName: "Label", featureColumnName: "Ids", hiddenSize: 8, epochs: 2))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
            var model = pipeline.Fit(data);
            var engine = ml.Model.CreatePredictionEngine<Review, Prediction>(model);
            var prediction = engine.Predict(new Review { Text = "Great food and friendly staff." });
            Console.WriteLine($"MLNetRnn from {typeof(RnnClassificationCatalog).Assembly.Location}");
            Console.WriteLine($"predicted {prediction.PredictedLabel} {string.Join(' ', prediction.Score)}");

            public sealed class Review { [LoadColumn(0)] public string Text { get; set; } = ""; [LoadColumn(1)] public string Label { get; set; } = ""; }
            public sealed class Prediction { public string PredictedLabel { get; set; } = ""; public float[] Score { get; set; } = []; }
            """);

        DotnetCli.RunOrFail(app, Minutes3, _packed.Environment, "restore", "--configfile", _packed.NuGetConfig);
        string output = DotnetCli.RunOrFail(app, Minutes3, _packed.Environment, "run", "-c", "Release", "--no-restore", "--", Sentiment.Dataset("train.tsv"));

        // The app ran the packed library (restored into the private packages folder), not the repository's build.
        string assembly = Assert.Single(output.Split('\n'), l => l.StartsWith("MLNetRnn from ", StringComparison.Ordinal))["MLNetRnn from ".Length..].Trim();
        Assert.Equal(Path.Combine(app, "bin", "Release", "net10.0", "MLNetRnn.dll"), assembly);
        Assert.Contains($"\"MLNetRnn/{_packed.Version}\"", File.ReadAllText(Path.Combine(app, "bin", "Release", "net10.0", "App.deps.json")), StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(_packed.Packages, "mlnetrnn", _packed.Version)), "MLNetRnn was not restored from the packed folder");

        string[] predicted = Assert.Single(output.Split('\n'), l => l.StartsWith("predicted ", StringComparison.Ordinal)).Trim().Split(' ');
        Assert.Contains(predicted[1], new[] { "negative", "positive" });
        float[] score = [.. predicted.Skip(2).Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(2, score.Length);
        Assert.Equal(1f, score.Sum(), 3);
    }

    private static readonly Regex OnnxRuntimeLibrary = new(@"^(lib)?onnxruntime\.(so|dylib|dll)$");

    private static bool IsPackagingPart(string entry) =>
        entry.StartsWith("_rels/", StringComparison.Ordinal) || entry.StartsWith("package/", StringComparison.Ordinal) || entry == "[Content_Types].xml";

    private static XElement Xml(ZipArchive package, string name)
    {
        var entry = package.GetEntry(name) ?? throw new Xunit.Sdk.XunitException($"the package has no {name}");
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!;
    }

    /// <summary>The version Directory.Build.props gives every project.</summary>
    private static string RepositoryVersion() =>
        XDocument.Load(Path.Combine(Sentiment.Repository(), "Directory.Build.props")).Descendants("Version").First().Value;

    /// <summary>The version Directory.Packages.props pins for <paramref name="id"/>.</summary>
    private static string CentralVersion(string id) =>
        XDocument.Load(Path.Combine(Sentiment.Repository(), "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => p.Attribute("Include")!.Value == id).Attribute("Version")!.Value;

    /// <summary>
    /// Packs the library and the tool once for the class into a temporary folder (the feed), with a NuGet configuration
    /// that reads MLNetRnn* from the feed and everything else from the repository's sources.
    /// </summary>
    public sealed class PackedPackages : IDisposable
    {
        public PackedPackages()
        {
            Root = Directory.CreateTempSubdirectory("mlnetrnn-packaging-").FullName;
            Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
            Packages = Path.Combine(Root, "packages");
            NuGetConfig = Path.Combine(Root, "nuget.config");
            Version = $"{RepositoryVersion()}-test.{DateTime.UtcNow:yyyyMMddHHmmss}";
            Environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Packages };
            ToolRid = ToolRuntimeIdentifier();
            if (DotnetCli.PathOrNull is null)
            {
                return; // every test skips
            }

            string repository = Sentiment.Repository();
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string configuration = testBin.Parent!.Name; // tests/MLNetRnn.Tests/bin/<Configuration>/net10.0/
            var timeout = TimeSpan.FromMinutes(8);

            // The library from the assemblies the solution build made (no second build), when they are there.
            bool built = File.Exists(Path.Combine(repository, "src", "MLNetRnn", "bin", configuration, "net10.0", "MLNetRnn.dll"));
            DotnetCli.RunOrFail(repository, timeout, null, [
                "pack", Path.Combine("src", "MLNetRnn", "MLNetRnn.csproj"), "-c", configuration, "-o", Feed, $"-p:PackageVersion={Version}",
                .. built ? new[] { "--no-build" } : ["--no-restore"]]);

            // The tool: the pointer package and the package of this platform only (packing all of them takes minutes). Its
            // RID-specific build goes to bin/<Configuration>/net10.0/<rid>/, beside the solution build's output.
            DotnetCli.RunOrFail(repository, timeout, null,
                "pack", Path.Combine("src", "MLNetRnn.Cli", "MLNetRnn.Cli.csproj"), "-c", configuration, "-o", Feed, "--no-restore",
                $"-p:PackageVersion={Version}", $"-p:ToolPackageRuntimeIdentifiers={ToolRid}");

            WriteNuGetConfig(repository);
        }

        /// <summary>Gets the temporary folder everything goes to.</summary>
        public string Root { get; }

        /// <summary>Gets the folder the packages were packed into.</summary>
        public string Feed { get; }

        /// <summary>Gets the private NuGet packages folder of restores and installs.</summary>
        public string Packages { get; }

        /// <summary>Gets the NuGet configuration to restore and install with.</summary>
        public string NuGetConfig { get; }

        /// <summary>Gets the version of this run's packages.</summary>
        public string Version { get; }

        /// <summary>Gets the environment of restores, installs and the installed tool.</summary>
        public IReadOnlyDictionary<string, string?> Environment { get; }

        /// <summary>Gets the RID whose tool package was packed: this machine's when the tool has one for it, else "any".</summary>
        public string ToolRid { get; }

        /// <summary>The path of package <paramref name="id"/> of this run.</summary>
        public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

        public void Dispose() => Directory.Delete(Root, recursive: true);

        private static string ToolRuntimeIdentifier()
        {
            var project = XDocument.Load(Path.Combine(Sentiment.Repository(), "src", "MLNetRnn.Cli", "MLNetRnn.Cli.csproj"));
            string[] rids = project.Descendants("RuntimeIdentifiers").First().Value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return rids.Contains(RuntimeInformation.RuntimeIdentifier) ? RuntimeInformation.RuntimeIdentifier : "any";
        }

        /// <summary>
        /// The feed first, then the repository's own sources; MLNetRnn* only from the feed (package source mapping). The
        /// machine's packages folder is a read-only fallback, so ML.NET and ONNX Runtime are not downloaded again.
        /// </summary>
        private void WriteNuGetConfig(string repository)
        {
            string repositoryConfig = Path.Combine(repository, "nuget.config");
            var sources = XDocument.Load(repositoryConfig).Descendants("packageSources").Single().Elements("add")
                .Select(a => (Key: a.Attribute("key")!.Value, Value: a.Attribute("value")!.Value))
                .Select(s => Uri.TryCreate(s.Value, UriKind.Absolute, out var uri) && !uri.IsFile ? s : (s.Key, Value: Path.GetFullPath(s.Value, repository)))
                .ToList();
            string machinePackages = DotnetCli.RunOrFail(repository, TimeSpan.FromMinutes(1), null, "nuget", "locals", "global-packages", "--list")
                .Trim().Split("global-packages:", 2)[^1].Trim();

            var config = new XElement("configuration",
                new XElement("packageSources",
                    new XElement("clear"),
                    new XElement("add", new XAttribute("key", "mlnetrnn-packed"), new XAttribute("value", Feed)),
                    sources.Select(s => new XElement("add", new XAttribute("key", s.Key), new XAttribute("value", s.Value)))),
                new XElement("fallbackPackageFolders",
                    new XElement("clear"),
                    new XElement("add", new XAttribute("key", "machine"), new XAttribute("value", machinePackages))),
                new XElement("packageSourceMapping",
                    new XElement("clear"),
                    new XElement("packageSource", new XAttribute("key", "mlnetrnn-packed"),
                        new XElement("package", new XAttribute("pattern", "MLNetRnn")),
                        new XElement("package", new XAttribute("pattern", "MLNetRnn.*"))),
                    sources.Select(s => new XElement("packageSource", new XAttribute("key", s.Key), new XElement("package", new XAttribute("pattern", "*"))))));
            new XDocument(config).Save(NuGetConfig);
        }
    }
}
