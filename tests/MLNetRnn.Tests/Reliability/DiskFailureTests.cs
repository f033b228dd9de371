using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.Tests.Cli;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// A full disk or a read-only folder while saving a model or a checkpoint: the save fails with a message that says what
/// to do, the previous file is unchanged, and no temporary file is left (real tmpfs mounts, not fakes).
/// </summary>
public sealed class DiskFailureTests
{
    [SmallDiskFact]
    public void ModelSave_OnAFullDisk_KeepsThePreviousModel()
    {
        var (ml, small, big, schema) = Models();
        long smallSize = SavedSize(ml, small, schema), bigSize = SavedSize(ml, big, schema);
        Assert.True(bigSize > 4 * smallSize, $"models of {smallSize} and {bigSize} bytes");

        // Room for the small model and half the big one: the big one's temporary file runs out of space.
        using var disk = SmallDisk.Mount(kilobytes: (int)((smallSize + (bigSize / 2)) / 1024) + 8);
        string path = Path.Combine(disk.Folder, "model.zip");
        ml.Model.SaveAtomically(small, schema, path);
        byte[] before = File.ReadAllBytes(path);

        var e = Assert.Throws<IOException>(() => ml.Model.SaveAtomically(big, schema, path));
        Assert.Contains("space", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.zip"], Directory.GetFiles(disk.Folder).Select(Path.GetFileName));
        ml.Model.Load(path, out _); // still a model
    }

    [SmallDiskFact]
    public void ModelSave_ToAReadOnlyFolder_KeepsThePreviousModel()
    {
        var (ml, small, _, schema) = Models();
        using var disk = SmallDisk.Mount(kilobytes: 2048);
        string path = Path.Combine(disk.Folder, "model.zip");
        ml.Model.SaveAtomically(small, schema, path);
        byte[] before = File.ReadAllBytes(path);
        disk.MakeReadOnly();

        var e = Assert.Throws<IOException>(() => ml.Model.SaveAtomically(small, schema, path));
        Assert.Contains("Read-only", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [SmallDiskFact]
    public void Checkpoint_OnAFullDisk_StopsTrainingNamingTheFile_AndKeepsTheLastGoodCheckpoint()
    {
        var ml = new MLContext(seed: 1);
        var data = Sentiment.Load(ml, "train.tsv", 200);
        var ids = Sentiment.Prefix(ml).Fit(data).Transform(data);
        var options = new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 4, HiddenSize = 4, Epochs = 5, BatchSize = 20 };

        // Size the disk for one checkpoint and a half: the first save fits, the next one's temporary file does not.
        string probe = Path.Combine(Path.GetTempPath(), $"mlnetrnn-{Guid.NewGuid():N}.ckpt");
        var one = new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 4, HiddenSize = 4, Epochs = 1, BatchSize = 20, Checkpoint = new CheckpointSettings { Path = probe } };
        ml.MulticlassClassification.Trainers.Gru(one).Fit(ids);
        long size = new FileInfo(probe).Length;
        File.Delete(probe);
        using var disk = SmallDisk.Mount(kilobytes: (int)(size * 3 / 2 / 1024) + 4);
        string path = Path.Combine(disk.Folder, "run.ckpt");
        options.Checkpoint = new CheckpointSettings { Path = path };
        var e = Assert.Throws<IOException>(() => ml.MulticlassClassification.Trainers.Gru(options).Fit(ids));
        Assert.Contains($"Could not write checkpoint '{path}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("the previous checkpoint, if any, is unchanged", e.Message, StringComparison.Ordinal);
        Assert.Equal(["run.ckpt"], Directory.GetFiles(disk.Folder).Select(Path.GetFileName));

        // The last good checkpoint still resumes, once there is room.
        var copy = Path.Combine(Path.GetTempPath(), $"mlnetrnn-{Guid.NewGuid():N}.ckpt");
        File.Copy(path, copy);
        try
        {
            options.Checkpoint = new CheckpointSettings { Path = copy, Resume = true };
            var model = (SequenceClassificationModel)ml.MulticlassClassification.Trainers.Gru(options).Fit(ids);
            Assert.Equal(5, model.TrainingHistory.Count);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [SmallDiskFact]
    public void Cli_TrainingIntoAFullDisk_IsAOneLineErrorAndThePreviousModelStays()
    {
        using var disk = SmallDisk.Mount(kilobytes: 900);
        string model = Path.Combine(disk.Folder, "model.zip");
        File.WriteAllText(model, "previous model");
        string data = Sentiment.Dataset("train.tsv");

        // The checkpoint (about 24 MB with the default built-in vectors) cannot be written: training stops at the first epoch's end.
        string line = Fails("train", "classify", "--data", data, "--model", model, "--epochs", "2");
        Assert.Contains("Could not write checkpoint", line, StringComparison.Ordinal);
        Assert.Equal("previous model", File.ReadAllText(model));
        Assert.Equal(["model.zip"], Directory.GetFiles(disk.Folder).Select(Path.GetFileName));

        // With the checkpoint elsewhere, training ends and the model (about 8 MB) does not fit.
        string checkpoint = Path.Combine(Path.GetTempPath(), $"mlnetrnn-{Guid.NewGuid():N}.ckpt");
        try
        {
            line = Fails("train", "classify", "--data", data, "--model", model, "--epochs", "1", "--checkpoint", checkpoint);
            Assert.Contains("space", line, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("previous model", File.ReadAllText(model));
            Assert.Equal(["model.zip"], Directory.GetFiles(disk.Folder).Select(Path.GetFileName));
        }
        finally
        {
            File.Delete(checkpoint);
        }
    }

    private static long SavedSize(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlnetrnn-{Guid.NewGuid():N}.zip");
        ml.Model.SaveAtomically(model, schema, path);
        long size = new FileInfo(path).Length;
        File.Delete(path);
        return size;
    }

    /// <summary>Runs the CLI expecting exit code 1 and one line on stderr (stdout may hold the epochs done before).</summary>
    private static string Fails(params string[] args)
    {
        var (code, _, stderr) = CliProcess.Run(args);
        Assert.True(code == 1, $"exit code {code}, stderr: {stderr}");
        return Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>A small (E 4, H 4) and a bigger (E 128, H 64) classifier of the same data, and its schema.</summary>
    private static (MLContext Ml, ITransformer Small, ITransformer Big, DataViewSchema Schema) Models()
    {
        var ml = new MLContext(seed: 1);
        var data = Sentiment.Load(ml, "train.tsv", 400);
        ITransformer Train(int e, int h) => Sentiment.Pipeline(ml, new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = e, HiddenSize = h, Epochs = 1 }).Fit(data);
        return (ml, Train(4, 4), Train(128, 64), data.Schema);
    }
}
