"""Agreement between the first reading of the labelled items and the blind second reading.

Usage: python nlp/training/labelling/agreement.py [round4 | round5]

Reads labels/round1, labels/round2 (first reading) and second_reading/*.txt (with `round4` or
`round5`: the two readings of that round's items, second_reading/<round>/first.txt and second.txt), and prints, per label,
how many items each reading gave the label, how many both did, and agreement F1 (2 * both / (first +
second)): the F1 that one reader scores against the other, a ceiling for what a classifier can be
expected to score against either. Items since left out of the set (near-duplicates) are not counted.
"""

from __future__ import annotations

import sys
from pathlib import Path

from labelfile import CODES, merge, parse

DATA = Path(__file__).resolve().parents[2] / "data"


def main(which: str = "") -> None:
    if which:
        first = parse(str(DATA / "second_reading" / which / "first.txt"))
        second = parse(str(DATA / "second_reading" / which / "second.txt"))
    else:
        first = merge([DATA / "labels" / "round1", DATA / "labels" / "round2"])
        second = merge([DATA / "second_reading"])
    both = sorted(set(first) & set(second))
    print(
        f"{len(both)} items read twice; identical label sets: "
        f"{sum(first[i] == second[i] for i in both) / len(both):.1%}"
    )
    print(f"{'label':28s} {'first':>6s} {'second':>6s} {'both':>6s} {'agreement F1':>13s}")
    f1s = []
    for label in CODES.values():
        a = sum(label in first[i] for i in both)
        b = sum(label in second[i] for i in both)
        ab = sum(label in first[i] and label in second[i] for i in both)
        f1 = 2 * ab / (a + b) if a + b else 0.0
        if a + b:  # a label neither reading gave has no agreement to measure
            f1s.append(f1)
        print(f"{label:28s} {a:6d} {b:6d} {ab:6d} {f1:13.3f}")
    print(f"{'macro agreement F1':28s} {'':20s} {sum(f1s) / len(f1s):13.3f}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
