using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNetRnn.Onnx;

namespace MLNetRnn.Tests.TestSupport;

/// <summary>Runs an <see cref="OnnxModel"/> in ONNX Runtime (the reference our exporters must agree with).</summary>
internal static class OnnxRunner
{
    /// <summary>Runs the model on named inputs and returns every output as a dense tensor of its type.</summary>
    public static Dictionary<string, object> Run(OnnxModel model, params (string Name, object Tensor)[] inputs) => Run(model.ToBytes(), inputs);

    /// <summary>Runs a serialized model (for example an exported <c>model.onnx</c>, its bytes as they are on disk) on named inputs.</summary>
    public static Dictionary<string, object> Run(byte[] model, params (string Name, object Tensor)[] inputs)
    {
        using var session = new InferenceSession(model);
        var values = inputs.Select(i => i.Tensor switch
        {
            DenseTensor<float> f => NamedOnnxValue.CreateFromTensor(i.Name, f),
            DenseTensor<long> l => NamedOnnxValue.CreateFromTensor(i.Name, l),
            DenseTensor<int> n => NamedOnnxValue.CreateFromTensor(i.Name, n),
            DenseTensor<uint> u => NamedOnnxValue.CreateFromTensor(i.Name, u),
            DenseTensor<ushort> c => NamedOnnxValue.CreateFromTensor(i.Name, c),
            DenseTensor<string> s => NamedOnnxValue.CreateFromTensor(i.Name, s),
            _ => throw new ArgumentException($"Unsupported input tensor type {i.Tensor.GetType()}."),
        }).ToList();
        using var results = session.Run(values);
        var outputs = new Dictionary<string, object>();
        foreach (var r in results)
        {
            outputs[r.Name] = r.ElementType switch
            {
                TensorElementType.Float => r.AsTensor<float>().ToDenseTensor(),
                TensorElementType.Int64 => r.AsTensor<long>().ToDenseTensor(),
                TensorElementType.Int32 => r.AsTensor<int>().ToDenseTensor(),
                TensorElementType.String => r.AsTensor<string>().ToDenseTensor(),
                _ => throw new NotSupportedException($"Output '{r.Name}' has type {r.ElementType}."),
            };
        }

        return outputs;
    }

    public static float[] Floats(this Dictionary<string, object> outputs, string name) => ((DenseTensor<float>)outputs[name]).Buffer.ToArray();
}
