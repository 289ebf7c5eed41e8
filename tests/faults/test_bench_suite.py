"""The benchmark suite runs end to end (`python -m bench --quick`, tiny sizes) and reports every figure.

No timing is asserted: only that every part ran against real components and wrote its figures.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

from bench.__main__ import METRICS, PARTS

ROOT = Path(__file__).resolve().parents[2]


def write_news_corpus(data: Path, rows: int) -> None:
    """A small corpus in the layout bench_crawl.py reads (the cryptonews CSV of ../shared/data), so the
    test needs nothing outside the project: titles and texts are real labelled items' (nlp/data)."""
    from nlp.training import labelled

    items = [it for it in labelled.load() if it.lang == "en" and len(it.text) > 80][:rows]
    sites = ["CoinTelegraph", "CryptoNews", "CryptoPotato"]
    hosts = {
        "CoinTelegraph": "cointelegraph.com/news",
        "CryptoNews": "cryptonews.com/news",
        "CryptoPotato": "cryptopotato.com",
    }
    target = data / "news" / "nyu-tandon-capstone__crypto-team4" / "data" / "cryptonews.csv"
    target.parent.mkdir(parents=True)
    with target.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["date", "sentiment", "source", "subject", "text", "title", "url"])
        for i, it in enumerate(items):
            site = sites[i % 3]
            out.writerow(
                [
                    f"{1 + i % 28}-6-2022 {i % 24:02d}:15",
                    "{}",
                    site,
                    "bitcoin",
                    it.text,
                    it.title,
                    f"https://{hosts[site]}/bench-story-{i}",
                ]
            )


def test_quick_suite_writes_every_metric(tmp_path):
    write_news_corpus(tmp_path / "data", 37)  # fewer than --pages: all of them, and only them
    out = tmp_path / "results" / "latest.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--pages",
            "40",
            "--items",
            "8",
            "--ingest-rows",
            "200",
            "--rows",
            "2000",
            "--crawl-data",
            str(tmp_path / "data"),
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result["parts"]) == set(PARTS)
    assert all(part["error"] is None for part in result["parts"].values())
    for key, *_ in METRICS:
        value = result["metrics"][key]
        assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, key
    assert result["sizes"]["rows"] == 2000 and result["quick"] is True
    assert result["parts"]["crawl"]["figures"]["crawl_articles_stored"] == 37
    assert result["parts"]["ingest"]["figures"]["ingest_stored"] == 200
    assert result["parts"]["digest"]["figures"]["digest_articles"] == 2000
    assert result["parts"]["search"]["figures"]["search_rows"] == 2000
    assert result["parts"]["web"]["figures"]["web_rows"] == 2000
    assert result["machine"]["cpus"] >= 1 and result["machine"]["postgresql"][:1].isdigit()
    # the table printed is the one stored, one line per metric
    assert proc.stdout.strip() == result["table"]
    assert all(label in proc.stdout for _, label, *_ in METRICS)
    # each part's own output is kept next to the results
    assert all((out.parent / f"{name}.log").stat().st_size > 0 for name in PARTS)
