#!/usr/bin/env python3
"""Naive baseline for the Moby-Dick character language model: an interpolated character n-gram model.

Each order k = 0..N mixes its maximum-likelihood estimate with the next-lower order's with the weight
count(context) / (count(context) + 3) (Witten-Bell-like, one constant), starting from the uniform distribution over the
characters of the book. Trained on everything except the scored slice; prints the bits per character of the slice.
Slices: the held-out last 5 % (what examples/TextGeneration scores), and for comparison 5 % from the middle and from
the start of the book (held out the same way), so one sees whether the end of the book is unusually hard.

Run: python3 benchmarks/char_ngram_baseline.py [--order 5] [--data datasets/moby-dick/moby-dick.txt]   (~2 minutes)
"""

import argparse
import collections
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def bits_per_char(text, lo, hi, order):
    train, test = text[:lo] + text[hi:], text[lo:hi]
    vocabulary = len(set(text))
    counts = [collections.Counter() for _ in range(order + 1)]
    contexts = [collections.Counter() for _ in range(order + 1)]
    for k in range(order + 1):
        for i in range(k, len(train)):
            counts[k][train[i - k:i + 1]] += 1
            contexts[k][train[i - k:i]] += 1
    total = 0.0
    for i in range(order, len(test)):
        p = 1.0 / vocabulary
        for k in range(order + 1):
            context = contexts[k][test[i - k:i]]
            if context == 0:
                break
            weight = context / (context + 3.0)
            p = weight * counts[k][test[i - k:i + 1]] / context + (1 - weight) * p
        total -= math.log2(p)
    return total / (len(test) - order)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--order", type=int, default=5)
    parser.add_argument("--data", default=os.path.join(HERE, "..", "datasets", "moby-dick", "moby-dick.txt"))
    args = parser.parse_args()
    with open(args.data, encoding="utf-8") as f:
        text = f.read()
    n, h = len(text), len(text) // 20
    print(f"order {args.order}: held-out last 5 %: {bits_per_char(text, n - h, n, args.order):.3f} bits/char")
    print(f"order {args.order}: middle 5 % (45-50 %): {bits_per_char(text, n // 2 - h, n // 2, args.order):.3f} bits/char")
    print(f"order {args.order}: early 5 % (20-25 %): {bits_per_char(text, n // 5, n // 5 + h, args.order):.3f} bits/char")


if __name__ == "__main__":
    main()
