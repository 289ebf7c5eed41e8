"""The crawl killed mid-run with SIGKILL (the Scrapy child alone, or the whole crawl), then run again.

No duplicates and nothing lost: every page ends up stored exactly once, pages stored before the kill
are not fetched again, and the killed run's crawl_runs row ends up 'interrupted' (set by crawl() when
only its child died, or by the next crawl of the source when the whole crawl died).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import psutil

from chainwatch.replay import ReplayServer
from chainwatch.runners.crawl import crawl
from tests.faults.conftest import news_site, write_site
from tests.spiders.crawl_helpers import ad_hoc_source, query

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGES = 120
GATE = 50  # pages from this one on are held back until the kill, so the kill is mid-run
SETTINGS = {"CHAINWATCH_BATCH_SIZE": 10, "CHAINWATCH_PROGRESS_INTERVAL": 1.0}


def gated_site(tmp_path, host: str):
    root = write_site(tmp_path / host, news_site(host, PAGES))
    gate = threading.Event()

    def hold(handler):
        gate.wait(60)
        return False

    faults = {f"{host}/news/{i}": hold for i in range(GATE, PAGES)}
    return root, gate, faults


def wait_until(predicate, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def stored_count(db_url: str) -> int:
    return query(db_url, "SELECT count(*) FROM articles")[0][0]


def assert_all_stored_once(db_url: str, host: str) -> None:
    rows = query(db_url, "SELECT canonical_url, count(*) FROM articles GROUP BY 1")
    assert sorted(u for u, _ in rows) == sorted(f"https://{host}/news/{i}" for i in range(PAGES))
    assert {n for _, n in rows} == {1}


def test_child_killed_then_rerun(clean_db, tmp_path):
    host = "killchild.example"
    root, gate, faults = gated_site(tmp_path, host)
    source = ad_hoc_source("killchild", host, [f"https://{host}/feed.xml"])
    with ReplayServer(root, faults=faults) as srv:
        result: dict = {}
        runner = threading.Thread(
            target=lambda: result.update(
                summary=crawl([source], run_id="run-killed-child", replay_proxy=srv.proxy_url, settings=SETTINGS)
            )
        )
        runner.start()
        wait_until(lambda: stored_count(clean_db) >= 20, "the first batches")
        children = [p for p in psutil.Process().children(recursive=True) if "spiders.run" in " ".join(p.cmdline())]
        assert len(children) == 1
        children[0].send_signal(signal.SIGKILL)
        runner.join(60)
        gate.set()
        assert not runner.is_alive()
        first = result["summary"].per_source["killchild"]
        assert first["status"] == "interrupted" and first["finished_at"] is not None
        assert "signal 9" in first["note"]
        kept = {u for (u,) in query(clean_db, "SELECT canonical_url FROM articles")}
        assert 0 < len(kept) < PAGES
        hits_before = srv.hits

        again = crawl([source], run_id="run-after-kill", replay_proxy=srv.proxy_url, settings=SETTINGS)
        hits_after = srv.hits
    row = again.per_source["killchild"]
    assert row["status"] == "ok"
    assert row["items_stored"] == PAGES - len(kept) and row["items_skipped"] == len(kept)
    assert_all_stored_once(clean_db, host)
    for url in kept:  # stored before the kill: not fetched again
        key = url.removeprefix("https://")
        assert hits_after[key] == hits_before[key] == 1
    statuses = dict(query(clean_db, "SELECT run_id, status FROM crawl_runs"))
    assert statuses == {"run-killed-child": "interrupted", "run-after-kill": "ok"}


CRAWL_SCRIPT = """
import json, sys
from chainwatch.runners.crawl import crawl
from spiders.registry import Source
source = Source.from_dict(json.loads(sys.argv[1]))
crawl([source], run_id=sys.argv[2], replay_proxy=sys.argv[3], settings=json.loads(sys.argv[4]))
"""


def test_whole_crawl_killed_then_rerun_closes_the_orphaned_run(clean_db, tmp_path):
    host = "killall.example"
    root, gate, faults = gated_site(tmp_path, host)
    source = ad_hoc_source("killall", host, [f"https://{host}/feed.xml"])
    with ReplayServer(root, faults=faults) as srv:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                CRAWL_SCRIPT,
                json.dumps(source.to_dict()),
                "run-killed-all",
                srv.proxy_url,
                json.dumps(SETTINGS),
            ],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": clean_db},
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until(lambda: stored_count(clean_db) >= 20, "the first batches")
            assert len(psutil.Process(proc.pid).children(recursive=True)) >= 1  # crawl() and its child
        finally:
            os.killpg(proc.pid, signal.SIGKILL)  # the whole crawl, parent and child, at once
            proc.wait(30)
            gate.set()
        orphan = query(clean_db, "SELECT status, finished_at FROM crawl_runs WHERE run_id = 'run-killed-all'")
        assert orphan == [("running", None)]  # nobody was left to close it
        kept = stored_count(clean_db)
        assert 0 < kept < PAGES

        again = crawl([source], run_id="run-after-kill-all", replay_proxy=srv.proxy_url, settings=SETTINGS)
    assert again.per_source["killall"]["status"] == "ok"
    assert again.per_source["killall"]["items_stored"] == PAGES - kept
    assert_all_stored_once(clean_db, host)
    status, finished, note = query(
        clean_db, "SELECT status, finished_at, note FROM crawl_runs WHERE run_id = 'run-killed-all'"
    )[0]
    assert status == "interrupted" and finished is not None and "run-after-kill-all" in note


def test_a_live_crawl_is_not_closed_by_another_crawl_of_its_source(clean_db, tmp_path):
    host = "alive.example"
    root = write_site(tmp_path / host, news_site(host, 20))
    release, held = threading.Event(), threading.Event()

    def hold_first(handler):  # the first crawl waits on this page; the second does not
        if not held.is_set():
            held.set()
            release.wait(60)
        return False

    source = ad_hoc_source("alive", host, [f"https://{host}/feed.xml"])
    with ReplayServer(root, faults={f"{host}/news/7": hold_first}) as srv:
        result: dict = {}
        first = threading.Thread(
            target=lambda: result.update(
                # a download timeout longer than the hold, so a slow machine cannot let the first crawl finish early
                summary=crawl(
                    [source],
                    run_id="run-alive",
                    replay_proxy=srv.proxy_url,
                    settings={**SETTINGS, "DOWNLOAD_TIMEOUT": 90},
                )
            )
        )
        first.start()
        try:
            wait_until(held.is_set, "the first crawl to reach the held page")
            second = crawl([source], run_id="run-second", replay_proxy=srv.proxy_url, settings=SETTINGS)
            during = query(clean_db, "SELECT status FROM crawl_runs WHERE run_id = 'run-alive'")
        finally:
            release.set()
            first.join(60)
    assert second.per_source["alive"]["status"] == "ok"
    assert during == [("running",)]  # alive, so left alone
    assert result["summary"].per_source["alive"]["status"] == "ok"
    assert query(clean_db, "SELECT count(*), count(DISTINCT canonical_url) FROM articles") == [(20, 20)]


def test_two_crawls_of_one_run_close_and_report_only_their_own_source(clean_db, tmp_path):
    """Airflow maps one crawl task per source, all with the DAG run's run_id (issue 17, item 10): the task
    that finishes first must not close the rows of sources still crawling, nor report their counts."""
    fast, slow = "quick.example", "slow.example"
    root = write_site(tmp_path / "two", {**news_site(fast, 3), **news_site(slow, 5)})
    release, held = threading.Event(), threading.Event()

    def hold(handler):  # the slow source waits here until released
        held.set()
        release.wait(60)
        return False

    sources = [
        ad_hoc_source("quick", fast, [f"https://{fast}/feed.xml"]),
        ad_hoc_source("slowpoke", slow, [f"https://{slow}/feed.xml"]),
    ]
    settings = {**SETTINGS, "DOWNLOAD_TIMEOUT": 90}
    with ReplayServer(root, faults={f"{slow}/news/4": hold}) as srv:
        result: dict = {}
        second = threading.Thread(
            target=lambda: result.update(
                slow=crawl([sources[1]], run_id="run-shared", replay_proxy=srv.proxy_url, settings=settings)
            )
        )
        second.start()
        try:
            wait_until(held.is_set, "the slow crawl to reach its held page")
            quick = crawl([sources[0]], run_id="run-shared", replay_proxy=srv.proxy_url, settings=settings)
            during = query(
                clean_db,
                "SELECT source_id, status, note FROM crawl_runs WHERE run_id = 'run-shared' ORDER BY source_id",
            )
        finally:
            release.set()
            second.join(60)
    assert during == [("quick", "ok", None), ("slowpoke", "running", None)]
    assert set(quick.per_source) == {"quick"} and quick.items_stored == 3
    assert set(result["slow"].per_source) == {"slowpoke"} and result["slow"].items_stored == 5
    assert result["slow"].per_source["slowpoke"]["status"] == "ok"
