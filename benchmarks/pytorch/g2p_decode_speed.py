#!/usr/bin/env python3
"""Decoding speed only: PyTorch greedy decoding of g2p_reference.py's model (BiLSTM encoder, LSTM decoder, Luong "general"
attention) on the CMUdict test words, with seeded random weights (no training; the numbers are speeds, not accuracy).

The words are read, sorted by length and decoded in batches of --batch, as g2p_reference.greedy does (it is called here).
stdout gets one JSON line: sentences, seconds (best of --repeats), sentences_per_second, mean_output_tokens (per word,
<EOS> not counted), threads, torch. Used by `MLNetRnn.Benchmarks beam`; see benchmarks/README.md.

Run:  /usr/bin/python3 benchmarks/pytorch/g2p_decode_speed.py [--embedding 64] [--hidden 128] [--threads 1] [--limit N]
"""

import argparse
import json
import os
import sys
import time

import torch

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
    a = p.parse_args()

    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    train = g2p.load_split(os.path.join(a.data, "train.tsv"))
    test = g2p.load_split(os.path.join(a.data, "test.tsv"), a.limit)
    sources, targets = g2p.build_vocabularies(train)
    source_ids = {s: i for i, s in enumerate(sources)}
    target_ids = {t: i for i, t in enumerate(targets)}
    rows = sorted(g2p.encode(test, source_ids, target_ids), key=lambda r: len(r[0]))
    model = g2p.G2PModel(len(sources), len(targets), a.embedding, a.hidden, dropout=0.0)
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
    print(json.dumps({
        "sentences": len(rows), "seconds": best, "sentences_per_second": len(rows) / best,
        "mean_output_tokens": tokens / len(rows), "threads": a.threads, "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
