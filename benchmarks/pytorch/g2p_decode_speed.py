#!/usr/bin/env python3
"""Decoding speed only: PyTorch greedy decoding of g2p_reference.py's model (BiLSTM encoder, LSTM decoder, Luong "general"
attention) on the CMUdict test words, with seeded random weights (no training; the numbers are speeds, not accuracy).

The words are read, sorted by length and decoded in batches of --batch, as g2p_reference.greedy does (it is called here).
stdout gets one JSON line: sentences, seconds (best of --repeats), sentences_per_second, mean_output_tokens (per word,
<EOS> not counted), threads, torch. Used by `MLNetRnn.Benchmarks beam`; see benchmarks/README.md.

With --weights DIR (the engine's tensors as DIR/<name>.npy, written by `MLNetRnn.Benchmarks beam`) the model gets the
engine's weights, tensor names and target ids mapped (the engine's target vocabulary is <PAD>, <UNK>, <BOS>, <EOS>,
phones; this one's <PAD>, <BOS>, <EOS>, phones), so both engines decode the same function; --outputs FILE writes each
word's greedy output ("word<TAB>phones") for a token-by-token comparison.

Run:  /usr/bin/python3 benchmarks/pytorch/g2p_decode_speed.py [--embedding 64] [--hidden 128] [--threads 1] [--limit N]
      [--weights DIR] [--outputs FILE]
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import g2p_reference as g2p  # noqa: E402  (same model class and greedy loop as the accuracy reference)


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=os.path.join(root, "datasets", "cmudict"))
    p.add_argument("--embedding", type=int, default=64)
    p.add_argument("--hidden", type=int, default=128, help="encoder hidden size per direction; the decoder has 2H")
    p.add_argument("--max-length", type=int, default=30, help="maximum decoding steps, <EOS> included")
    p.add_argument("--batch", type=int, default=g2p.EVAL_BATCH)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--limit", type=int, help="decode the first N test words only")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--weights", help="directory of the engine's tensors (<name>.npy) to load instead of random weights")
    p.add_argument("--outputs", help="write each word's greedy output here")
    a = p.parse_args()

    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    train = g2p.load_split(os.path.join(a.data, "train.tsv"))
    test = g2p.load_split(os.path.join(a.data, "test.tsv"), a.limit)
    sources, targets = g2p.build_vocabularies(train)
    source_ids = {s: i for i, s in enumerate(sources)}
    target_ids = {t: i for i, t in enumerate(targets)}
    encoded = g2p.encode(test, source_ids, target_ids)
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))  # stable: the engine's length buckets alike
    rows = [encoded[i] for i in order]
    model_class = EngineBridgeModel if a.weights else g2p.G2PModel
    model = model_class(len(sources), len(targets), a.embedding, a.hidden, dropout=0.0)
    if a.weights:
        load_engine_weights(model, a.weights, len(targets))
    model.eval()
    eos = target_ids[g2p.EOS]

    g2p.greedy(model, rows[: a.batch], a.max_length, eos)  # warm-up
    best = float("inf")
    outputs = []
    for _ in range(a.repeats):
        start = time.perf_counter()
        outputs = g2p.greedy(model, rows, a.max_length, eos)
        best = min(best, time.perf_counter() - start)
    tokens = sum(len(o) for o in outputs)
    if a.outputs:
        partial = a.outputs + ".partial"  # written in full, then renamed: a reader never sees half a file
        with open(partial, "w", encoding="utf-8") as f:
            for j, ids in enumerate(outputs):
                f.write("".join(test[order[j]][0]) + "\t" + " ".join(targets[i] for i in ids) + "\n")
        os.replace(partial, a.outputs)
    print(json.dumps({
        "sentences": len(rows), "seconds": best, "sentences_per_second": len(rows) / best,
        "mean_output_tokens": tokens / len(rows), "threads": a.threads, "torch": torch.__version__,
    }))


class EngineBridgeModel(g2p.G2PModel):
    """g2p_reference's model with the engine's bridge: both initial decoder states are computed from the encoder's final
    hidden states (the engine's c0 = tanh(W_c [h_fwd; h_bwd] + b); g2p_reference reads the final cell states there)."""

    def encode(self, x, lengths):
        packed = pack_padded_sequence(self.source_embedding(x), lengths, batch_first=True, enforce_sorted=False)
        output, (h_n, _) = self.encoder(packed)
        memory, _ = pad_packed_sequence(output, batch_first=True, total_length=x.shape[1])  # (B, S, 2H)
        summary = torch.cat([h_n[0], h_n[1]], dim=1)  # (B, 2H): forward and reverse final hidden states
        h0 = torch.tanh(self.bridge_h(summary)).unsqueeze(0)
        c0 = torch.tanh(self.bridge_c(summary)).unsqueeze(0)
        mask = torch.arange(x.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
        return memory, self.attention(memory), mask, (h0, c0)


def load_engine_weights(model, directory, target_count):
    """Copies the engine's tensors into the model: names mapped, target rows reordered (engine id = this id + 1 for
    <BOS>, <EOS> and the phones, 0 for <PAD>; the engine's <UNK> row is dropped)."""
    engine_rows = [0] + [i + 1 for i in range(1, target_count)]
    names = {"encoder.embedding.weight": "source_embedding.weight", "bridge.weight": "bridge_h.weight", "bridge.bias": "bridge_h.bias",
             "decoder.embedding.weight": "target_embedding.weight", "attention.linear_in.weight": "attention.weight",
             "head.weight": "output.weight", "head.bias": "output.bias"}
    state = model.state_dict()
    loaded = set()
    for file in sorted(os.listdir(directory)):
        if not file.endswith(".npy"):
            continue
        name = file[:-4]
        target = names.get(name) or name.replace("encoder.rnn.", "encoder.").replace("decoder.rnn.", "decoder.")
        value = torch.from_numpy(np.load(os.path.join(directory, file)))
        if target in ("target_embedding.weight", "output.weight", "output.bias"):
            value = value[engine_rows]
        if target not in state or state[target].shape != value.shape:
            raise SystemExit(f"engine tensor {name} -> {target}: no such tensor of shape {tuple(value.shape)} in the model")
        state[target].copy_(value)
        loaded.add(target)
    missing = set(state) - loaded
    if missing:
        raise SystemExit(f"tensors without engine weights: {sorted(missing)}")


if __name__ == "__main__":
    main()
