#!/usr/bin/env python3
"""Ragged vs padded cost per round, from a `compare` log (issue 14's ragged-batch target).

Reads the progress lines of `MLNetRnn.Benchmarks compare --workloads lstm-ragged,lstm-padded,lstm-ragged-sparse,
lstm-padded-sparse --threads 1,2 --rounds 5 --no-pytorch` (stderr), and prints, per thread count and embedding update
(dense, sparse), each round's ratio of median step times ragged / padded and their median. A ragged step reads 884 real
tokens, a padded one 1,600, and the rates are real tokens/s, so step time ratio = (884 / ragged) / (1600 / padded).

Run:  python3 benchmarks/ragged_ratio.py compare.log
"""
import re
import statistics
import sys

REAL_SHARE = 884 / 1600

rows={}
for line in open(sys.argv[1]):
    m=re.match(r"\[(\d+)/\d+\] (\S+)\s+ours\s+\S+ (\d) thr\s+([\d.]+)k tok/s\s+\(median ([\d.]+)k",line)
    if m: rows[(int(m[1]),m[2],int(m[3]))]=float(m[5])
rounds=sorted({k[0] for k in rows})
for thr in (1,2):
  for suffix in ("","-sparse"):
    rs=[REAL_SHARE * rows[(r,"lstm-padded"+suffix,thr)]/rows[(r,"lstm-ragged"+suffix,thr)] for r in rounds if (r,"lstm-ragged"+suffix,thr) in rows]
    print(f"{thr} thr {'sparse' if suffix else 'dense '}: rounds", " ".join(f"{x:.3f}" for x in rs), f"median {statistics.median(rs):.3f}")
