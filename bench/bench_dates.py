"""Publication dates on htmldate's public evaluation set, beside htmldate alone.

    .venv/bin/python bench/bench_dates.py --htmldate-repo PATH [--json PATH]

PATH is a checkout of github.com/adbar/htmldate (Apache-2.0): its tests/eval_mediacloud_2020.json
maps 200 saved news pages (tests/test_set/, 31 MB, not copied into this project) to their
publication day. For each page, `spiders.extract.extract()` (metadata, JSON-LD, labelled dates,
then htmldate fast and extensive) and htmldate alone (`find_date(original_date=True)`, fast and
extensive) give a day; accuracy is the share of pages whose day equals the truth. Not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--htmldate-repo", type=Path, required=True)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    from htmldate import find_date  # the baseline

    from spiders.extract import extract

    truth = json.loads((args.htmldate_repo / "tests" / "eval_mediacloud_2020.json").read_text(encoding="utf-8"))
    pages = [
        (url, (args.htmldate_repo / "tests" / "test_set" / item["file"]).read_bytes(), item["date"])
        for url, item in truth.items()
    ]
    figures = {"pages": len(pages)}

    def day_ours(body: bytes, url: str) -> str | None:
        article = extract(body, url)
        if not article or article.published is None:
            return None
        return article.published_day.isoformat() if article.published_day else None

    runs = {
        "chainwatch": day_ours,
        "htmldate_fast": lambda body, url: find_date(
            body.decode("utf-8", "replace"), original_date=True, extensive_search=False
        ),
        "htmldate_extensive": lambda body, url: find_date(
            body.decode("utf-8", "replace"), original_date=True, extensive_search=True
        ),
    }
    for name, run in runs.items():
        started = time.perf_counter()
        found = [run(body, url) for url, body, _ in pages]
        seconds = time.perf_counter() - started
        right = sum(1 for f, (_, _, want) in zip(found, pages, strict=True) if f == want)
        figures[f"{name}_accuracy"] = right / len(pages)
        figures[f"{name}_found"] = sum(1 for f in found if f) / len(pages)
        figures[f"{name}_pages_per_s"] = len(pages) / seconds
        print(
            f"{name:<20} accuracy {right / len(pages):.3f}  found {figures[f'{name}_found']:.3f}  "
            f"{len(pages) / seconds:.1f} pages/s",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
