using MLNetRnn.SequenceToSequence;
using MLNetRnn.Text;
using MLNetRnn.Transforms;

namespace MLNetRnn.LanguageModeling;

/// <summary>
/// How a language model turns text into token ids and tokens back into text: the level (characters with whitespace kept,
/// or words and punctuation), lower-casing, and the mode: one continuous stream, or one sentence a line framed by
/// <c>&lt;BOS&gt;</c> … <c>&lt;EOS&gt;</c>. Stored in the model file (metadata <c>mlnetrnn.settings</c>).
/// </summary>
/// <param name="Level">Characters (joined with nothing) or words and punctuation (joined with one space).</param>
/// <param name="LineMode">Whether each line is a sentence: tokens of a line are framed by <c>&lt;BOS&gt;</c> and
/// <c>&lt;EOS&gt;</c>, newlines are not tokens, empty lines are skipped.</param>
/// <param name="LowerCase">Whether text is lower-cased before it is split.</param>
internal sealed record LanguageModelText(TokenLevel Level, bool LineMode, bool LowerCase)
{
    /// <summary>The tokenizer settings of <see cref="Level"/> (written to <c>tokenizer.json</c> by export): characters with whitespace kept, or words with punctuation kept; no token limit.</summary>
    public TokenizerSettings Tokenization() => Level == TokenLevel.Character
        ? TokenizerSettings.Create(TokenizerSettings.Characters, LowerCase, keepPunctuation: false, keepWhitespace: true, int.MaxValue)
        : TokenizerSettings.Create(TokenizerSettings.Words, LowerCase, keepPunctuation: true, keepWhitespace: false, int.MaxValue);

    /// <summary>The tokenizer of <see cref="Tokenization"/>.</summary>
    public ITokenizer Tokenizer() => Tokenization().CreateTokenizer();

    /// <summary>The text's tokens as documents: one per non-empty line in line mode, else the whole text.</summary>
    public IEnumerable<string[]> Documents(string text)
    {
        var tokenizer = Tokenizer();
        if (!LineMode)
        {
            yield return tokenizer.Tokenize(text);
            yield break;
        }

        foreach (string line in text.Split('\n'))
        {
            string[] tokens = tokenizer.Tokenize(line.TrimEnd('\r'));
            if (tokens.Length > 0)
            {
                yield return tokens;
            }
        }
    }

    /// <summary>The token ids of <paramref name="text"/> as one stream (line mode: <c>&lt;BOS&gt;</c> line <c>&lt;EOS&gt;</c> for each line); unknown tokens become <c>&lt;UNK&gt;</c>.</summary>
    public int[] Encode(string text, Vocabulary vocabulary)
    {
        var ids = new List<int>();
        foreach (string[] document in Documents(text))
        {
            if (LineMode)
            {
                ids.Add(vocabulary.BeginId);
            }

            foreach (string token in document)
            {
                ids.Add(vocabulary.GetId(token));
            }

            if (LineMode)
            {
                ids.Add(vocabulary.EndId);
            }
        }

        return [.. ids];
    }

    /// <summary>The text a generated token adds: the token itself for characters; for words one space before it unless it is the first of the text.</summary>
    public string Piece(string token, bool first) => Level == TokenLevel.Character || first ? token : " " + token;
}
