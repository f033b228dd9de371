namespace MLNetRnn.LanguageModeling;

/// <summary>Why generation ended.</summary>
public enum GenerationFinish
{
    /// <summary><see cref="GenerationOptions.MaxTokens"/> tokens were generated.</summary>
    Length,

    /// <summary>The model drew <c>&lt;EOS&gt;</c> (line-mode models).</summary>
    EndOfSequence,

    /// <summary>The text reached one of <see cref="GenerationOptions.StopStrings"/>.</summary>
    StopString,
}
