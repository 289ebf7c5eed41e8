"""Assemble nlp/data/labelled.jsonl from hand-written label files and split it train/dev.

Usage: python nlp/training/labelling/assemble.py [LABEL_DIR ...]   (default: every folder under nlp/data/labels/)

A folder named `corrections` is read last and overrides the other folders: it holds the labels an
adjudicator settled where a blind second reading disagreed with the first (labelfile.merge,
PROVENANCE.md). Elsewhere, two files that give one item different labels are an error.

LABEL_DIR holds `*.txt` files written while reading the candidate batches (format in
labelfile.py): one line per item read, with the labels chosen by the annotator. Labels come
only from those files; this script never derives labels.

Split (deterministic, about 70/30, stratified):
  * an item already present in labelled.jsonl keeps its split (so the file can grow
    without moving items between train and dev);
  * new items are taken in order of their rarest label (then a hash of the id) and go to
    dev while the dev share of that label is below 30 %; no-label items likewise
    (keyed on language, so zh and en no-label items are both ~30 % dev);
  * a final pass moves train items into dev for any label with fewer than 9 dev positives.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

from labelfile import merge
from pool import load_pool

OUT = Path(__file__).resolve().parents[2] / "data" / "labelled.jsonl"
DEV_SHARE = 0.30
MIN_DEV = 9
FIELDS = ("id", "title", "text", "lang", "labels", "split", "source")


def h(s: str) -> str:
    return hashlib.sha1(s.encode()).hexdigest()


def main(dirs: list[str]) -> None:
    try:
        labels = merge(dirs)
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc
    pool = load_pool()
    missing = [k for k in labels if k not in pool]
    if missing:
        raise SystemExit(f"unknown ids: {missing[:5]}")

    old_split = {}
    if OUT.exists():
        for line in open(OUT, encoding="utf-8"):
            r = json.loads(line)
            old_split[r["id"]] = r["split"]

    pos = Counter(l for v in labels.values() for l in v)
    split: dict[str, str] = {k: old_split[k] for k in labels if k in old_split}
    tot, dev = Counter(), Counter()

    def keys(k):
        return labels[k] or [f"<none:{pool[k]['lang']}>"]

    for k, s in split.items():
        for l in keys(k):
            tot[l] += 1
            dev[l] += s == "dev"
    new = [k for k in labels if k not in split]
    new.sort(key=lambda k: (min((pos[l] for l in labels[k]), default=10**6), h(k)))
    for k in new:
        ks = sorted(keys(k), key=lambda l: pos.get(l, 10**6))
        rare = ks[0]
        s = "dev" if dev[rare] < DEV_SHARE * (tot[rare] + 1) else "train"
        split[k] = s
        for l in ks:
            tot[l] += 1
            dev[l] += s == "dev"
    # top up labels with too few dev positives (only when the label has enough positives)
    for l in sorted(pos, key=lambda l: pos[l]):
        need = min(MIN_DEV, round(pos[l] * DEV_SHARE)) - sum(1 for k in labels if l in labels[k] and split[k] == "dev")
        if need <= 0:
            continue
        cands = sorted((k for k in labels if l in labels[k] and split[k] == "train"), key=h)
        for k in cands[:need]:
            split[k] = "dev"

    order = sorted(labels, key=lambda k: (k.split(":")[0], int(k.split(":")[1])))
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
    print(f"{'label':28s} {'train':>5s} {'dev':>5s} {'all':>5s} {'zh':>4s}")
    allp = Counter()
    for k in order:
        for l in labels[k]:
            allp[(l, split[k])] += 1
            allp[(l, "zh")] += pool[k]["lang"] == "zh"
    from labelfile import CODES  # a sibling script, imported only for this report

    for l in CODES.values():
        tr, dv = allp[(l, "train")], allp[(l, "dev")]
        print(f"{l:28s} {tr:5d} {dv:5d} {tr + dv:5d} {allp[(l, 'zh')]:4d}")


if __name__ == "__main__":
    here = Path(__file__).resolve().parents[2] / "data" / "labels"
    main(sys.argv[1:] or [str(d) for d in sorted(here.iterdir()) if d.is_dir()])
