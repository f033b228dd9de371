namespace MLNetRnn.LanguageModeling;

/// <summary>A whole generated continuation, from <see cref="LanguageModel.GenerateText"/>.</summary>
/// <param name="Text">The text generated after the prompt (ending before a stop string, if one was met).</param>
/// <param name="TokenCount">The number of tokens drawn (a final <c>&lt;EOS&gt;</c> included).</param>
/// <param name="Finish">Why generation ended.</param>
public sealed record GeneratedText(string Text, int TokenCount, GenerationFinish Finish);
