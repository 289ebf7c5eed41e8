"""Body extraction quality and speed on the ScrapingHub article-extraction benchmark (181 real pages).

    .venv/bin/python bench/bench_extract.py [--limit N] [--json PATH]

For every page in bench/data/article-extraction-benchmark (MIT, see PROVENANCE.md there), the body
from `spiders.extract.extract()` (what the crawl stores) and from `trafilatura.extract()` with its
defaults is compared with the benchmark's ground truth `articleBody`. The score follows the
benchmark's method as its README describes it: word 4-shingles of the lower-cased text, true
positives the shingles both share (with counts), precision, recall and F1 per page, averaged over
pages (a page with an empty truth and an empty answer scores 1). Pages/s is single-process wall
clock over the same pages, parse included. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / "data" / "article-extraction-benchmark"
SHINGLE = 4


def shingles(text: str) -> Counter:
    words = re.findall(r"\w+", (text or "").lower())
    if len(words) < SHINGLE:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def score(truth: str, answer: str) -> tuple[float, float, float]:
    true, pred = shingles(truth), shingles(answer)
    if not true and not pred:
        return 1.0, 1.0, 1.0
    tp = sum((true & pred).values())
    precision = tp / sum(pred.values()) if pred else 0.0
    recall = tp / sum(true.values()) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def pages(limit: int | None) -> list[tuple[str, bytes, str, str]]:
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for key in sorted(truth)[:limit]:
        body = gzip.decompress((DATA / "html" / f"{key}.html.gz").read_bytes())
        out.append(
            (
                key,
                body,
                truth[key].get("url") or f"https://benchmark.invalid/{key}",
                truth[key].get("articleBody") or "",
            )
        )
    return out


def run(name: str, extractor, data) -> dict:
    scores = []
    started = time.perf_counter()
    answers = [extractor(body, url) for _, body, url, _ in data]
    seconds = time.perf_counter() - started
    for (_, _, _, truth), answer in zip(data, answers, strict=True):
        scores.append(score(truth, answer))
    result = {
        "precision": statistics.mean(s[0] for s in scores),
        "recall": statistics.mean(s[1] for s in scores),
        "f1": statistics.mean(s[2] for s in scores),
        "pages_per_s": len(data) / seconds,
        "pages": len(data),
    }
    print(
        f"{name:<28} F1 {result['f1']:.3f}  P {result['precision']:.3f}  R {result['recall']:.3f}  "
        f"{result['pages_per_s']:.1f} pages/s",
        flush=True,
    )
    return result


def chainwatch_body(body: bytes, url: str) -> str:
    from spiders.extract import extract  # the crawl's extraction, as stored

    article = extract(body, url)
    return article.text if article else ""


def trafilatura_body(body: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(body.decode("utf-8", "replace"), url=url) or ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    data = pages(args.limit)
    chainwatch_body(data[0][1], data[0][2])  # warm up imports and the language model
    trafilatura_body(data[0][1], data[0][2])
    ours = run("chainwatch extract()", chainwatch_body, data)
    theirs = run("trafilatura.extract defaults", trafilatura_body, data)
    figures = {
        "extract_f1": ours["f1"],
        "extract_precision": ours["precision"],
        "extract_recall": ours["recall"],
        "extract_pages_per_s": ours["pages_per_s"],
        "trafilatura_f1": theirs["f1"],
        "trafilatura_pages_per_s": theirs["pages_per_s"],
        "pages": ours["pages"],
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
