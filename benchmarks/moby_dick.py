"""The Moby-Dick text and examples/TextGeneration's split of it, for the benchmark scripts that score its held-out 5 %.

The example holds out the last len(text) / 20 characters (integer division; C# string length, which equals Python's here:
the book has no character outside the Basic Multilingual Plane) and trains on the rest.
"""
import os

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "datasets", "moby-dick", "moby-dick.txt")


def read(path=DATA):
    """The whole text, newlines as they are in the file."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def held_out_start(text):
    """Index of the first held-out character: the last 5 % of the characters are held out."""
    return len(text) - len(text) // 20
