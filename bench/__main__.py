"""The benchmark suite: `make bench` (= `.venv/bin/python -m bench`) prints one table and writes it as JSON.

    .venv/bin/python -m bench                      # full sizes (1M-article databases: expect tens of minutes)
    .venv/bin/python -m bench --quick              # small sizes, a smoke run of every part (a few minutes)
    .venv/bin/python -m bench --rows 200000        # digest and search on 200,000 articles instead
    .venv/bin/python -m bench --only crawl ingest  # some parts

Parts (each its own script in bench/, run in its own process so peak memory is its own):
  crawl     bench_crawl.py     crawl pages/s on a local replay of --pages real news pages, and trafilatura-only
                               extraction pages/s on the same pages (the ratio says what the rest costs)
  classify  bench_classify.py  classification items/s (--items labelled items) and peak memory
  ingest    bench_ingest.py    database ingest rows/s (upsert_articles batches into a throwaway database)
  digest    bench_digest.py    digest build time on --rows generated articles
  search    bench_search.py    search p50 / p95 on --rows generated articles
  web       bench_web.py       API search (GET /api/v1/articles?q=) p50 / p95 over HTTP, without and with filters
Every database is a throwaway one on BENCH_PG_ADMIN_URL / TEST_PG_ADMIN_URL (default 127.0.0.1:5432).
Each part's own output goes to bench/results/<part>.log; the table and the JSON (default
bench/results/latest.json) hold the figures, the sizes and the machine. Figures vary by machine and
by load: run on an otherwise idle machine, and compare only results from the same one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, describe, machine  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PARTS = ("crawl", "extract", "classify", "ingest", "digest", "search", "web")
FULL = {
    "extract_pages": 181,
    "pages": 5000,
    "items": 512,
    "ingest_rows": 20_000,
    "rows": 1_000_000,
    "runs": 3,
    "repeat": 3,
}
QUICK = {"extract_pages": 20, "pages": 300, "items": 64, "ingest_rows": 2_000, "rows": 20_000, "runs": 1, "repeat": 1}

# (metric key, label, unit, format, part): the table, in order. Every key is in the JSON's "metrics".
METRICS = (
    ("crawl_pages_per_s", "crawl: fetch, extract, dedup, store", "pages/s", "{:,.1f}", "crawl"),
    ("extraction_pages_per_s", "trafilatura only (defaults), same pages", "pages/s", "{:,.1f}", "crawl"),
    ("crawl_vs_extraction_ratio", "crawl / trafilatura-only", "ratio", "{:.2f}", "crawl"),
    ("extract_f1", "body extraction F1, ScrapingHub benchmark", "F1", "{:.3f}", "extract"),
    ("trafilatura_f1", "trafilatura alone (defaults), same pages", "F1", "{:.3f}", "extract"),
    ("extract_pages_per_s", "body extraction (extract())", "pages/s", "{:,.1f}", "extract"),
    ("trafilatura_pages_per_s", "trafilatura alone (defaults)", "pages/s", "{:,.1f}", "extract"),
    ("classify_items_per_s", "classification (mixed items)", "items/s", "{:,.1f}", "classify"),
    ("classify_long_items_per_s", "classification (256-token items)", "items/s", "{:,.1f}", "classify"),
    ("classify_peak_rss_mb", "classification peak memory (RSS)", "MB", "{:,.0f}", "classify"),
    ("ingest_rows_per_s", "database ingest: upsert_articles, new rows", "rows/s", "{:,.0f}", "ingest"),
    ("ingest_unchanged_rows_per_s", "database ingest: same rows again", "rows/s", "{:,.0f}", "ingest"),
    ("digest_build_s", "digest build (median)", "s", "{:,.2f}", "digest"),
    ("search_p50_ms", "search p50", "ms", "{:,.1f}", "search"),
    ("search_p95_ms", "search p95", "ms", "{:,.1f}", "search"),
    ("web_search_p50_ms", "API search p50, no filters", "ms", "{:,.1f}", "web"),
    ("web_search_p95_ms", "API search p95, no filters", "ms", "{:,.1f}", "web"),
    ("web_filtered_p50_ms", "API search p50, with filters", "ms", "{:,.1f}", "web"),
    ("web_filtered_p95_ms", "API search p95, with filters", "ms", "{:,.1f}", "web"),
)


def commands(sizes: dict, out: Path) -> dict[str, list[str]]:
    py = sys.executable
    week_items = max(100, min(10_000, sizes["rows"] // 100))
    return {
        "crawl": [py, "bench/bench_crawl.py", "--limit", str(sizes["pages"]), "--json", str(out / "crawl.json")]
        + (["--data", str(sizes["crawl_data"])] if sizes.get("crawl_data") else []),
        "extract": [
            py,
            "bench/bench_extract.py",
            "--limit",
            str(sizes.get("extract_pages", 181)),
            "--json",
            str(out / "extract.json"),
        ],
        "classify": [
            py,
            "bench/bench_classify.py",
            "--items",
            str(sizes["items"]),
            "--json",
            str(out / "classify.json"),
        ],
        "ingest": [
            py,
            "bench/bench_ingest.py",
            "--rows",
            str(sizes["ingest_rows"]),
            "--json",
            str(out / "ingest.json"),
        ],
        "digest": [
            py,
            "bench/bench_digest.py",
            "--articles",
            str(sizes["rows"]),
            "--week-items",
            str(week_items),
            "--runs",
            str(sizes["runs"]),
            "--json",
            str(out / "digest.json"),
        ],
        "search": [
            py,
            "bench/bench_search.py",
            "--rows",
            str(sizes["rows"]),
            "--repeat",
            str(sizes["repeat"]),
            "--db",
            f"chainwatch_bench_suite_{int(time.time())}",
            "--json",
            str(out / "search.json"),
        ],
        "web": [
            py,
            "bench/bench_web.py",
            "--rows",
            str(sizes["rows"]),
            "--repeat",
            str(sizes["repeat"]),
            "--db",
            f"chainwatch_bench_web_{int(time.time())}",
            "--json",
            str(out / "web.json"),
        ],
    }


def workloads(sizes: dict, figures: dict) -> dict[str, str]:
    return {
        "crawl": f"local replay of {figures.get('crawl_article_pages', sizes['pages']):,} real news pages",
        "extract": f"{figures.get('pages', sizes.get('extract_pages', 181))} pages of the ScrapingHub article benchmark",
        "classify": f"{sizes['items']:,} labelled items, {figures.get('classify_threads', 2)} threads",
        "ingest": f"{sizes['ingest_rows']:,} articles, batches of {figures.get('ingest_batch', 100)}",
        "digest": f"{sizes['rows']:,} articles, week of {figures.get('digest_items', '?'):,} items"
        if isinstance(figures.get("digest_items"), int)
        else f"{sizes['rows']:,} articles",
        "search": f"{sizes['rows']:,} articles, {figures.get('search_queries', '?')} timed queries",
        "web": f"{sizes['rows']:,} articles, {figures.get('web_queries', '?')} queries over HTTP",
    }


def run_part(name: str, cmd: list[str], log: Path, timeout: float | None) -> tuple[dict, str | None, float]:
    started = time.monotonic()
    print(f"bench: {name} ... ", end="", file=sys.stderr, flush=True)
    with log.open("w", encoding="utf-8") as fh:
        fh.write("$ " + " ".join(cmd) + "\n")
        fh.flush()
        try:
            proc = subprocess.run(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, timeout=timeout)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            code = "timeout"
    seconds = time.monotonic() - started
    result_file = Path(cmd[cmd.index("--json") + 1])
    error = None
    figures: dict = {}
    if code != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] or [""]
        error = f"exit {code}: {tail[0][:300]}"
    elif not result_file.exists():
        error = "no figures written"
    else:
        figures = json.loads(result_file.read_text(encoding="utf-8"))
    print(f"{'failed (' + error + ')' if error else 'done'} in {seconds:.0f} s", file=sys.stderr, flush=True)
    return figures, error, seconds


def table(result: dict) -> str:
    metrics, parts = result["metrics"], result["parts"]
    rows = [("metric", "value", "unit", "workload")]
    described: set[str] = set()
    for key, label, unit, fmt, part in METRICS:
        value = metrics.get(key)
        shown = fmt.format(value) if isinstance(value, (int, float)) else "n/a"
        workload = "" if part in described else parts.get(part, {}).get("workload", "not run")
        described.add(part)
        rows.append((label, shown, unit, workload))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        f"ChainWatch benchmarks, {result['date'][:10]}{' (quick)' if result['quick'] else ''}: "
        f"{describe(result['machine'])}"
    ]
    for i, r in enumerate(rows):
        lines.append("  ".join((r[0].ljust(widths[0]), r[1].rjust(widths[1]), r[2].ljust(widths[2]), r[3])).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    failed = [f"{name}: {p['error']}" for name, p in parts.items() if p.get("error")]
    if failed:
        lines.append("failed parts: " + "; ".join(failed))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke run of every part")
    ap.add_argument("--pages", type=int, help="crawl: article pages in the replay (full 5,000)")
    ap.add_argument("--items", type=int, help="classify: items per workload (full 512)")
    ap.add_argument("--ingest-rows", type=int, help="ingest: articles upserted (full 20,000)")
    ap.add_argument("--rows", type=int, help="digest and search: generated articles (full 1,000,000)")
    ap.add_argument(
        "--crawl-data",
        type=Path,
        help="crawl: the corpus folder (bench_crawl.py --data; "
        "default ../shared/data, holding news/nyu-tandon-capstone__crypto-team4/data/cryptonews.csv)",
    )
    ap.add_argument("--only", nargs="+", choices=PARTS, help="run only these parts")
    ap.add_argument("--json", type=Path, default=RESULTS / "latest.json", help="where to write the results")
    ap.add_argument("--timeout", type=float, help="seconds allowed per part (default: no limit)")
    args = ap.parse_args(argv)

    sizes = dict(QUICK if args.quick else FULL)
    for key in ("pages", "items", "ingest_rows", "rows", "crawl_data"):
        if getattr(args, key) is not None:
            sizes[key] = getattr(args, key)
    chosen = args.only or list(PARTS)
    RESULTS.mkdir(parents=True, exist_ok=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(),
        "sizes": {k: v if isinstance(v, int) else str(v) for k, v in sizes.items()},
        "metrics": {},
        "parts": {},
    }
    logs = args.json.parent
    with tempfile.TemporaryDirectory(prefix="chainwatch-bench-") as tmp:
        for name, cmd in commands(sizes, Path(tmp)).items():
            if name not in chosen:
                continue
            figures, error, seconds = run_part(name, cmd, logs / f"{name}.log", args.timeout)
            if name == "classify" and "classify_mixed_items_per_s" in figures:
                figures["classify_items_per_s"] = figures["classify_mixed_items_per_s"]
            result["metrics"].update({k: v for k, v in figures.items() if k in {m[0] for m in METRICS}})
            result["parts"][name] = {
                "seconds": round(seconds, 1),
                "error": error,
                "figures": figures,
                "workload": workloads(sizes, figures)[name],
                "log": str(logs / f"{name}.log"),
            }
    result["table"] = table(result)
    args.json.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(result["table"])
    print(f"written to {args.json}", file=sys.stderr)
    return 1 if any(p["error"] for p in result["parts"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
