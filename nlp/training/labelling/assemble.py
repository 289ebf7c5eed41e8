"""Assemble nlp/data/labelled.jsonl from hand-written label files and split it train/test.

Usage: python nlp/training/labelling/assemble.py [LABEL_DIR ...]   (default: every folder under nlp/data/labels/)

A folder named `corrections` is read last and overrides the other folders: it holds the labels an
adjudicator settled where a blind second reading disagreed with the first (labelfile.merge,
PROVENANCE.md). Elsewhere, two files that give one item different labels are an error.

LABEL_DIR holds `*.txt` files written while reading the candidate batches (format in
labelfile.py): one line per item read, with the labels chosen by the annotator. Labels come
only from those files; this script never derives labels.

Split: an item is `test` when its id is listed in nlp/data/test_split.txt (the news-only test split,
fixed before any modelling; see that file's header), otherwise `train`. Cross-validation (`chainwatch
evaluate --cv`) and `chainwatch train` use only `train`; `test` is only ever reported.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from labelfile import merge
from pool import load_pool

OUT = Path(__file__).resolve().parents[2] / "data" / "labelled.jsonl"
TEST_IDS = OUT.with_name("test_split.txt")
FIELDS = ("id", "title", "text", "lang", "labels", "split", "source")


def id_order(item_id: str) -> tuple:
    """Source, then row number (rss-cfta ids are `feed.item`: their digit runs compare as numbers)."""
    source, key = item_id.split(":", 1)
    return (source, tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", key)))


def read_test_ids() -> set[str]:
    return {line.split("#", 1)[0].strip() for line in TEST_IDS.read_text(encoding="utf-8").splitlines()} - {""}


def main(dirs: list[str]) -> None:
    try:
        labels = merge(dirs)
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc
    pool = load_pool()
    missing = [k for k in labels if k not in pool]
    if missing:
        raise SystemExit(f"unknown ids: {missing[:5]}")

    test_ids = read_test_ids()
    unknown = sorted(test_ids - set(labels))
    if unknown:
        raise SystemExit(f"test_split.txt lists ids that no label file has: {unknown[:5]}")
    split = {k: ("test" if k in test_ids else "train") for k in labels}

    order = sorted(labels, key=id_order)
    with open(OUT, "w", encoding="utf-8") as f:
        for k in order:
            it = pool[k]
            rec = {
                "id": k,
                "title": it["title"],
                "text": it["text"],
                "lang": it["lang"],
                "labels": labels[k],
                "split": split[k],
                "source": it["source"],
            }
            f.write(json.dumps({x: rec[x] for x in FIELDS}, ensure_ascii=False) + "\n")
    report(order, labels, split, pool)


def report(order, labels, split, pool):
    n = len(order)
    print(f"{n} items -> {OUT}")
    print("split:", dict(Counter(split[k] for k in order)))
    print("lang:", dict(Counter((pool[k]["lang"], split[k]) for k in order)))
    nolab = [k for k in order if not labels[k]]
    print(f"no-label: {len(nolab)} ({len(nolab) / n:.0%})", dict(Counter(split[k] for k in nolab)))
    print("source:", dict(Counter(k.split(":")[0] for k in order)))
    print(f"{'label':28s} {'train':>5s} {'test':>5s} {'all':>5s} {'zh':>4s}")
    allp = Counter()
    for k in order:
        for l in labels[k]:
            allp[(l, split[k])] += 1
            allp[(l, "zh")] += pool[k]["lang"] == "zh"
    from labelfile import CODES  # a sibling script, imported only for this report

    for l in CODES.values():
        tr, dv = allp[(l, "train")], allp[(l, "test")]
        print(f"{l:28s} {tr:5d} {dv:5d} {tr + dv:5d} {allp[(l, 'zh')]:4d}")


if __name__ == "__main__":
    here = Path(__file__).resolve().parents[2] / "data" / "labels"
    main(sys.argv[1:] or [str(d) for d in sorted(here.iterdir()) if d.is_dir()])
