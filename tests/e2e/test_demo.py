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
    # Every replayed page became exactly one article (1,250 corpus items + 4 saved real pages).
    assert counts["articles"] == 1254
    assert result.crawl.errors == 0
    db_cursor.execute("SELECT count(*) FROM articles WHERE published_at IS NULL OR text = '' OR lang IS NULL")
    assert db_cursor.fetchone()[0] == 0
    # Every article was classified, and labels were found across the taxonomy.
    db_cursor.execute("SELECT count(DISTINCT article_id) FROM classified_articles")
    assert db_cursor.fetchone()[0] == 1254
    db_cursor.execute("SELECT count(DISTINCT label) FROM classifications WHERE positive")
    assert db_cursor.fetchone()[0] >= 8
    # One HTML and one Markdown digest per replayed week, on disk and in the table.
    weeks = {d.iso_week for d in result.digests}
    assert {f"2022-W{w}" for w in range(17, 27)} <= weeks
    for d in result.digests:
        assert d.html_path.parent == out and d.html_path.exists() and d.md_path.exists()
    html = (out / "digest-2022-W19.html").read_text(encoding="utf-8")
    assert "stablecoins_payments" in html or "Stablecoins" in html
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
    assert after["crawl_runs"] == before["crawl_runs"] + 3  # each run is recorded, per source
