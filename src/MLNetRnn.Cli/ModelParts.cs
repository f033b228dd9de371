using MLNetRnn.Models;
using MLNetRnn.Pipeline;
using MLNetRnn.Transforms;

namespace MLNetRnn.Cli;

/// <summary>The steps of a loaded classification model that the commands need to read columns and explain predictions.</summary>
internal sealed record ModelParts(TokenizingTransformer Tokenizer, TokenToIdTransformer Ids, SequenceClassificationModel Classifier, ITransformer Model)
{
    public static ModelParts Load(string path)
    {
        var model = new RnnContext(seed: 0).Model.Load(path);
        var steps = model is TransformerChain<ITransformer> chain ? chain.Transformers : [model];
        var tokenizer = steps.OfType<TokenizingTransformer>().FirstOrDefault();
        var ids = steps.OfType<TokenToIdTransformer>().FirstOrDefault();
        var classifier = steps.OfType<SequenceClassificationModel>().FirstOrDefault();
        if (tokenizer is null || ids is null || classifier is null)
        {
            throw new InvalidDataException($"'{path}' is not a text classification model (it needs a tokenizer, a vocabulary and a classifier); this command supports models from 'mlnet-rnn train classify'.");
        }

        return new ModelParts(tokenizer, ids, classifier, model);
    }
}
