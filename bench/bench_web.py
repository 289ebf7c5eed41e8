"""API search latency: p50 / p95 of GET /api/v1/articles?q=... over HTTP against `chainwatch serve`, on the
generated corpus of bench_search.py, without filters and with them.

    .venv/bin/python bench/bench_web.py                        # 1,000,000 articles, then drops the database
    .venv/bin/python bench/bench_web.py --rows 100000 --keep   # a smaller corpus, kept for another run
    .venv/bin/python bench/bench_web.py --rows 100000 --reuse  # reuse the kept database

The database is built by bench_search.prepare (same corpus, same name unless --db); five of its English
sources are marked official, so the official-versus-news filter has something to find. The app runs as
`chainwatch serve` in a child process on 127.0.0.1 (reading as chainwatch_reader, like in production); one
HTTP client with keep-alive sends every request. Queries: bench_search.QUERIES (about 50: common and
rare words, phrases, Chinese), the ones without filters as they are, the others with their filters plus,
in turn, a minimum label score, category=official or news, and sort=date. Measured: the wall time of each
request, after one warm-up pass. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg2
from psycopg2 import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_search  # noqa: E402
from bench.common import ROOT  # noqa: E402

OFFICIAL = bench_search.EN_SOURCES[:5]
EXTRA_FILTERS = ({"category": "official"}, {"category": "news", "sort": "date"}, {"sort": "date"}, {})


def api_params(q: str, kw: dict, extra: dict) -> dict:
    params = {"q": q, **{k: str(v) for k, v in kw.items()}, **extra}
    if "label" in params and "min_score" not in params and extra:
        params["min_score"] = "0.5"
    return params


def workload() -> tuple[list[dict], list[dict]]:
    plain = [{"q": q} for q, kw in bench_search.QUERIES if not kw]
    filtered = [
        api_params(q, kw, EXTRA_FILTERS[i % len(EXTRA_FILTERS)]) for i, (q, kw) in enumerate(bench_search.QUERIES) if kw
    ]
    filtered += [api_params(p["q"], {}, EXTRA_FILTERS[i % 3]) for i, p in enumerate(plain[:10])]
    for p in filtered:  # the API pages 1-100 rows
        p["limit"] = str(min(int(p.get("limit", 20)), 100))
    return plain, filtered


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CHAINWATCH_API_TOKEN"}
    env["DATABASE_URL"] = url
    proc = subprocess.Popen(
        [sys.executable, "-m", "chainwatch.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"chainwatch serve exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("chainwatch serve did not start")


def timed(client: httpx.Client, params_list: list[dict], repeat: int) -> tuple[list[float], list[tuple]]:
    samples, per_query = [], []
    for params in params_list:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            response = client.get("/api/v1/articles", params=params)
            times.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{params}: HTTP {response.status_code} {response.text[:300]}")
        samples += times
        per_query.append((sorted(times)[len(times) // 2], len(response.json()["articles"]), params))
    return samples, per_query


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="timed requests per query (after one warm-up)")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    ap.add_argument("--reuse", action="store_true", help="reuse a kept database holding --rows articles")
    ap.add_argument("--db", default=bench_search.DB_NAME, help="database name (default %(default)s)")
    ap.add_argument("--json", metavar="PATH", help="also write the figures to PATH (python -m bench)")
    args = ap.parse_args()

    admin = psycopg2.connect(bench_search.ADMIN_URL)
    admin.autocommit = True
    url, load_s = bench_search.prepare(admin, args.db, args.rows, reuse=args.reuse)
    proc = None
    try:
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("UPDATE sources SET category = 'official' WHERE id = ANY(%s)", (OFFICIAL,))
            cur.execute("SELECT count(*) FROM articles")
            n = cur.fetchone()[0]
        proc, base = start_server(url)
        plain, filtered = workload()
        with httpx.Client(base_url=base, timeout=60) as client:
            timed(client, plain + filtered, 1)  # warm-up: caches, jieba's dictionary in the server
            plain_ms, plain_q = timed(client, plain, args.repeat)
            filtered_ms, filtered_q = timed(client, filtered, args.repeat)
        pct = bench_search._pct
        print(f"corpus: {n:,} articles" + (f"; generated in {load_s:.0f} s" if load_s else " (reused)"))
        print(f"GET /api/v1/articles over HTTP, {args.repeat} runs per query; slowest (median ms):")
        for ms, count, params in sorted(plain_q + filtered_q, key=lambda t: -t[0])[:10]:
            print(f"  {ms:8.1f} ms  {count:>3} rows  {params}")
        for name, ms in (("without filters", plain_ms), ("with filters", filtered_ms)):
            print(
                f"{name:>16}: {len(ms) // args.repeat} queries  p50 {pct(ms, 0.5):.1f} ms  p95 {pct(ms, 0.95):.1f} ms"
                f"  max {max(ms):.1f} ms   (target: p95 < 150 ms)"
            )
        if args.json:
            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump(
                    {
                        "web_rows": n,
                        "web_queries": len(plain) + len(filtered),
                        "web_search_p50_ms": pct(plain_ms, 0.5),
                        "web_search_p95_ms": pct(plain_ms, 0.95),
                        "web_filtered_p50_ms": pct(filtered_ms, 0.5),
                        "web_filtered_p95_ms": pct(filtered_ms, 0.95),
                    },
                    fh,
                )
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if not args.keep:
            with admin.cursor() as cur:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.db)))
        admin.close()


if __name__ == "__main__":
    main()
