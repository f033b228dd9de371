using Microsoft.ML.OnnxRuntime.Tensors;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Onnx;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Onnx;

/// <summary>The ONNX form of a recurrent stack, run in ONNX Runtime, against our engine on the same weights.</summary>
public sealed class RecurrentStackOnnxTests
{
    public static TheoryData<RecurrentCellType, int, bool> Stacks()
    {
        var data = new TheoryData<RecurrentCellType, int, bool>();
        foreach (var cell in Enum.GetValues<RecurrentCellType>())
        {
            foreach (int layers in new[] { 1, 2 })
            {
                foreach (bool bi in new[] { false, true })
                {
                    data.Add(cell, layers, bi);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Write_RunsInOnnxRuntime_LikeTheEngine(RecurrentCellType cell, int layers, bool bidirectional)
    {
        const int t = 6, b = 4, i = 5, h = 7;
        int[] lengths = [6, 2, 4, 1]; // ragged, unsorted
        var random = new SeededRandom(20240501);
        var store = new ParameterStore();
        var stack = new RecurrentStack(store, cell, i, h, random, layers, bidirectional, 0f, "rnn.");
        float[] x = TestData.Uniform(random, t * b * i);
        float[] h0 = TestData.Uniform(random, stack.StateCount * b * h);
        float[] c0 = TestData.Uniform(random, stack.StateCount * b * h);
        bool lstm = cell == RecurrentCellType.Lstm;
        var expectedY = new float[t * b * stack.OutputSize];
        var expectedH = new float[stack.StateCount * b * h];
        var expectedC = new float[stack.StateCount * b * h];
        stack.Forward(x, t, b, lengths, expectedY, h0, lstm ? c0 : default, expectedH, lstm ? expectedC : default);

        var g = new OnnxGraphBuilder("stack");
        string xs = g.Input("x", OnnxDataType.Float, OnnxDim.Of(t), OnnxDim.Of(b), OnnxDim.Of(i));
        string lens = g.Input("lengths", OnnxDataType.Int32, OnnxDim.Of(b));
        string h0s = g.Input("h0", OnnxDataType.Float, OnnxDim.Of(stack.StateCount), OnnxDim.Of(b), OnnxDim.Of(h));
        string? c0s = lstm ? g.Input("c0", OnnxDataType.Float, OnnxDim.Of(stack.StateCount), OnnxDim.Of(b), OnnxDim.Of(h)) : null;
        var (y, hn, cn) = RecurrentStackOnnx.Write(g, stack, store, "rnn.", xs, lens, h0s, c0s);
        g.Output("y", y, OnnxDataType.Float, null);
        g.Output("hn", hn, OnnxDataType.Float, null);
        if (cn is not null)
        {
            g.Output("cn", cn, OnnxDataType.Float, null);
        }

        var model = new OnnxModel(g.Graph);
        var inputs = new List<(string, object)>
        {
            ("x", new DenseTensor<float>(x, [t, b, i])),
            ("lengths", new DenseTensor<int>(lengths, [b])),
            ("h0", new DenseTensor<float>(h0, [stack.StateCount, b, h])),
        };
        if (lstm)
        {
            inputs.Add(("c0", new DenseTensor<float>(c0, [stack.StateCount, b, h])));
        }

        var outputs = OnnxRunner.Run(OnnxModel.Parse(model.ToBytes()), [.. inputs]);
        Compare.Close(outputs.Floats("y"), expectedY, 1e-5, "output");
        Compare.Close(outputs.Floats("hn"), expectedH, 1e-5, "h_n");
        if (lstm)
        {
            Compare.Close(outputs.Floats("cn"), expectedC, 1e-5, "c_n");
        }
    }

    [Fact]
    public void Read_RestoresEveryPyTorchTensor()
    {
        var random = new SeededRandom(7);
        foreach (var cell in Enum.GetValues<RecurrentCellType>())
        {
            var store = new ParameterStore();
            var stack = new RecurrentStack(store, cell, 3, 4, random, 2, true, 0f, "enc.");
            var g = new OnnxGraphBuilder("s");
            string x = g.Input("x", OnnxDataType.Float, null);
            var (y, _, _) = RecurrentStackOnnx.Write(g, stack, store, "enc.", x, null, null, null);
            g.Output("y", y, OnnxDataType.Float, null);
            var graph = OnnxModel.Parse(new OnnxModel(g.Graph).ToBytes()).Graph;

            var copyStore = new ParameterStore();
            var copy = new RecurrentStack(copyStore, cell, 3, 4, new SeededRandom(99), 2, true, 0f, "enc.");
            RecurrentStackOnnx.Read(graph, copy, copyStore, "enc.");
            Assert.Equal(store.Values.ToArray(), copyStore.Values.ToArray());
        }
    }
}
