namespace MLNetRnn.Training;

/// <summary>Keeps every epoch's report and passes it on to the caller's reporter, on the training thread.</summary>
internal sealed class Recorder(List<TrainingProgress> history, IProgress<TrainingProgress>? next) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        history.Add(value);
        next?.Report(value);
    }
}
