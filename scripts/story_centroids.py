"""Write the language centroids story linking centres vectors with (chainwatch/stories/data/centroids.npz).

The mean lead vector of the current encoder (nlp.classifier.Classifier.embedding_version) over real corpora
in ../shared/data: English, the 7,5xx items of cryptonews.csv (title and lead); Chinese, the 799 UglyDogIsDog
passages that hold Chinese text (first sentence as the title, cut to 80 characters, and the next 400
characters as the lead). Other encoders' entries in the file are kept. Run after changing the encoder:

    .venv/bin/python scripts/story_centroids.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chainwatch.contracts import ClassifierInput  # noqa: E402
from chainwatch.stories.linking import CENTROIDS  # noqa: E402
from nlp.classifier import load_classifier  # noqa: E402

ENGLISH = "news/nyu-tandon-capstone__crypto-team4/data/cryptonews.csv"
CHINESE = ("train.json", "test.json", "dev.json")
UGLYDOG = "labeled/UglyDogIsDog__Blockchain-News-Classification"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def english(data: Path) -> list[ClassifierInput]:
    with (data / ENGLISH).open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter=";") if r["title"].strip()]
    return [ClassifierInput(n, r["title"].strip(), " ".join(r["text"].split()), "en") for n, r in enumerate(rows)]


def chinese(data: Path) -> list[ClassifierInput]:
    out = []
    for name in CHINESE:
        for row in json.loads((data / UGLYDOG / name).read_text(encoding="utf-8")):
            text = " ".join(row["passage"].split())
            sentences = [s for s in re.split(r"(?<=[。！？])", text) if s.strip()]
            title, lead = sentences[0].rstrip("。")[:80], "".join(sentences[1:])[:400]
            if _CJK.search(title + lead):
                out.append(ClassifierInput(len(out), title, lead, "zh"))
    return out


def mean_vector(items: list[ClassifierInput], classifier) -> np.ndarray:
    vectors = [v for start in range(0, len(items), 64) for v in classifier.embed(items[start : start + 64])]
    kept = [v for v in vectors if v is not None]
    print(f"{len(kept)} of {len(items)} items encoded", file=sys.stderr)
    return np.mean(np.stack(kept), axis=0).astype("<f4")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    classifier = load_classifier()
    version = classifier.embedding_version
    with np.load(CENTROIDS) as old:
        kept = {k: old[k] for k in old.files if not k.startswith(version + "/")}
    kept[f"{version}/en"] = mean_vector(english(args.data), classifier)
    kept[f"{version}/zh"] = mean_vector(chinese(args.data), classifier)
    tmp = CENTROIDS.with_name(CENTROIDS.stem + ".tmp.npz")
    np.savez(tmp, **kept)
    os.replace(tmp, CENTROIDS)  # by rename: a reader sees the old file or the new one
    print(f"wrote {version} centroids to {CENTROIDS}")


if __name__ == "__main__":
    main()
