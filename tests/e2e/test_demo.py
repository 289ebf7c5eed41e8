"""The main job end to end: the offline demo against the real database, twice."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from chainwatch.runners import main_job as pipeline
from tests.conftest import truncate_data

COUNTED = ("sources", "articles", "labels", "model_versions", "classified_articles", "classifications", "digests")


def _counts(cur) -> dict[str, int]:
    out = {}
    for table in COUNTED + ("crawl_runs",):
        cur.execute(f"SELECT count(*) FROM {table}")  # table names are the constants above
        out[table] = cur.fetchone()[0]
    return out


@pytest.fixture(scope="module")
def demo_run(db_url, tmp_path_factory):
    truncate_data(db_url)  # other modules share the session database
    out = tmp_path_factory.mktemp("demo-out")
    old = os.environ.get("CHAINWATCH_OUT")
    os.environ["CHAINWATCH_OUT"] = str(out)
    try:
        result = pipeline.run_demo(database_url=db_url, progress=False)
    finally:
        if old is None:
            os.environ.pop("CHAINWATCH_OUT", None)
        else:
            os.environ["CHAINWATCH_OUT"] = old
    return result, out


def test_demo_fills_every_table_and_writes_digests(demo_run, db_cursor):
    result, out = demo_run
    counts = _counts(db_cursor)
    assert all(counts[t] > 0 for t in counts), counts
    # Every replayed item became exactly one article: 550 English corpus items + 4 saved real pages,
    # 200 Chinese flash items + 60 Chinese articles, 95 SEC releases.
    assert counts["articles"] == 909
    assert result.crawl.errors == 0
    db_cursor.execute("SELECT count(*) FROM articles WHERE published_at IS NULL OR text = '' OR lang IS NULL")
    assert db_cursor.fetchone()[0] == 0
    # Every article was classified, and labels were found across the taxonomy.
    db_cursor.execute("SELECT count(DISTINCT article_id) FROM classified_articles")
    assert db_cursor.fetchone()[0] == 909
    # Bilingual, with regulator releases: at least 25% Chinese and 10% official.
    db_cursor.execute(
        "SELECT count(*) FILTER (WHERE a.lang = 'zh'), count(*) FILTER (WHERE s.category = 'official'), "
        "count(*) FROM articles a JOIN sources s ON s.id = a.source_id"
    )
    zh, official, total = db_cursor.fetchone()
    assert zh / total >= 0.25 and official / total >= 0.10, (zh, official, total)
    db_cursor.execute("SELECT count(DISTINCT label) FROM classifications WHERE positive")
    assert db_cursor.fetchone()[0] >= 8
    # One HTML and one Markdown digest per replayed week, on disk and in the table.
    weeks = {d.iso_week for d in result.digests}
    assert {f"2022-W{w}" for w in range(17, 27)} <= weeks
    for d in result.digests:
        assert d.html_path.parent == out and d.html_path.exists() and d.md_path.exists()
    html = (out / "digest-2022-W19.html").read_text(encoding="utf-8")
    assert "stablecoins_payments" in html or "Stablecoins" in html
    # Chinese outlets and the regulator are in the digests, not only in the table.
    every_week = "".join(p.read_text(encoding="utf-8") for p in out.glob("digest-*.html"))
    assert "金色财经" in every_week and "SEC" in every_week
    assert any(ch in every_week for ch in "区块链比特币")
    db_cursor.execute("SELECT count(*) FROM digests")
    assert db_cursor.fetchone()[0] == 2 * len(weeks)


def test_second_run_through_the_cli_adds_no_duplicates(demo_run, db_url, db_cursor, tmp_path):
    before = _counts(db_cursor)
    env = dict(os.environ, DATABASE_URL=db_url, CHAINWATCH_OUT=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "chainwatch.cli", "demo", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("done in ") and "0 articles stored" in last
    after = _counts(db_cursor)
    assert {t: after[t] for t in COUNTED} == {t: before[t] for t in COUNTED}
    assert after["crawl_runs"] == before["crawl_runs"] + 6  # each run is recorded, per source


def test_chinese_search_finds_the_demo_items(demo_run, db_url):
    env = dict(os.environ, DATABASE_URL=db_url)
    proc = subprocess.run(
        [sys.executable, "-m", "chainwatch.cli", "search", "数字人民币"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "jinse_flash" in proc.stdout or "blockbeats" in proc.stdout, proc.stdout[-2000:]
