"""Bring two independent readings of a round into the repository and list where they disagree.

Usage: python nlp/training/labelling/readings.py ROUND READINGS_DIR

READINGS_DIR holds `batchK.first.txt` and `batchK.second.txt` (label-file format, labelfile.py), one pair
per batch, each read by a different reader. They are copied, batch after batch, into
nlp/data/second_reading/ROUND/first.txt and second.txt (the record of both readings; agreement.py reads
them), and nlp/data/labels/ROUND/ROUND.txt is written: the agreed labels, and for every disagreement a line
`# DISAGREE <id>: first <codes> | second <codes>` that an adjudicator replaces by the settled line, marked
`# adjudicated` (docs/labelling-guidelines.md). Labels are never chosen here.
"""

from __future__ import annotations

import sys
from pathlib import Path

from labelfile import CODES, parse

DATA = Path(__file__).resolve().parents[2] / "data"
CODE_OF = {label: code for code, label in CODES.items()}


def codes(labels: list[str]) -> str:
    return " ".join(CODE_OF[lab] for lab in labels) or "-"


def collect(readings: Path, reading: str) -> str:
    files = sorted(readings.glob(f"batch*.{reading}.txt"))
    if not files:
        raise SystemExit(f"no batch*.{reading}.txt in {readings}")
    return "".join(f"# {f.name}\n" + f.read_text(encoding="utf-8").rstrip("\n") + "\n" for f in files)


def main(round_name: str, readings_dir: str) -> None:
    readings = Path(readings_dir)
    out = DATA / "second_reading" / round_name
    out.mkdir(parents=True, exist_ok=True)
    for reading in ("first", "second"):
        (out / f"{reading}.txt").write_text(collect(readings, reading), encoding="utf-8")
    first, second = parse(str(out / "first.txt")), parse(str(out / "second.txt"))
    only = sorted(set(first) ^ set(second))
    if only:
        raise SystemExit(f"items read only once: {only[:10]}")
    lines = [
        f"# {round_name} (issue 12): {len(first)} new items, each read by two readers independently; "
        "disagreements adjudicated against docs/labelling-guidelines.md (see PROVENANCE.md).",
    ]
    disagreements = 0
    for item in first:
        if first[item] == second[item]:
            lines.append(f"{item} {codes(first[item])}")
        else:
            disagreements += 1
            lines.append(f"# DISAGREE {item}: first {codes(first[item])} | second {codes(second[item])}")
    labels_dir = DATA / "labels" / round_name
    labels_dir.mkdir(parents=True, exist_ok=True)
    (labels_dir / f"{round_name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(first)} items, {disagreements} disagreements to adjudicate in {labels_dir / (round_name + '.txt')}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
