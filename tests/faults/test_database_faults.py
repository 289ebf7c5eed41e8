"""The database goes away: restarted in the middle of a crawl, or unreachable from the start."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from chainwatch.replay import ReplayServer
from chainwatch.runners.crawl import crawl
from tests.faults.conftest import news_site, write_site
from tests.pgprivate import free_port
from tests.spiders.crawl_helpers import ad_hoc_source, query

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGES = 240
RESTART_AT = 60  # the restart begins when this article is requested


def test_postgres_restarted_mid_crawl_stores_every_page_exactly_once(private_pg, tmp_path):
    server, url = private_pg
    host = "restart.example"
    root = write_site(tmp_path / "site", news_site(host, PAGES))
    down, up = threading.Event(), threading.Event()
    restart_error: list[BaseException] = []

    def restart():
        try:
            deadline = time.monotonic() + 30  # let a few batches be stored first
            while query(url, "SELECT count(*) FROM articles")[0][0] < 30 and time.monotonic() < deadline:
                time.sleep(0.05)
            server.stop("fast")  # every session is ended, as in an administrator's restart
            down.set()
            time.sleep(2.0)  # the crawl keeps fetching and storing meanwhile
            server.start()
        except BaseException as exc:  # noqa: BLE001 (reported by the assertions below)
            restart_error.append(exc)
        finally:
            down.set()
            up.set()

    def trigger(handler):
        if not down.is_set() and not getattr(trigger, "started", False):
            trigger.started = True
            threading.Thread(target=restart, daemon=True).start()
        return False

    def after_stop(handler):  # later pages are served only once the server is down,
        down.wait(30)  # so their articles reach the pipeline while it is
        return False

    faults = {f"{host}/news/{RESTART_AT}": trigger}
    faults.update({f"{host}/news/{i}": after_stop for i in range(RESTART_AT + 1, PAGES)})
    source = ad_hoc_source("restart_src", host, [f"https://{host}/feed.xml"])
    with ReplayServer(root, faults=faults) as srv:
        summary = crawl(
            [source],
            replay_proxy=srv.proxy_url,
            database_url=url,
            settings={"CHAINWATCH_BATCH_SIZE": 10, "CHAINWATCH_PROGRESS_INTERVAL": 1.0},
        )
        served = {key for key in srv.hits if key.startswith(f"{host}/news/")}
    assert up.wait(30) and not restart_error, restart_error
    # the restart really happened in the middle of the crawl
    (started,) = query(url, "SELECT pg_postmaster_start_time() > min(created_at) FROM articles")[0]
    assert started is True

    assert len(served) == PAGES
    rows = query(url, "SELECT canonical_url, count(*) OVER (PARTITION BY canonical_url) FROM articles")
    assert sorted(u for u, _ in rows) == sorted(f"https://{k}" for k in served)  # every page, once
    assert all(n == 1 for _, n in rows)
    row = summary.per_source["restart_src"]
    assert row["status"] == "ok" and row["finished_at"] is not None
    assert row["items_stored"] == PAGES and "db_error" not in row["error_counts"]


def _cli(args: list[str], env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"CHAINWATCH_HOME": str(tmp_path / "home"), "CHAINWATCH_OUT": str(tmp_path / "out"), **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "chainwatch.cli", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unreachable_database_at_start_is_one_line_and_nonzero(db_url, make_site, tmp_path):
    port = free_port()  # nothing listens there
    dead = f"postgresql://postgres@127.0.0.1:{port}/chainwatch"
    srv = ReplayServer(make_site(news_site("cointelegraph.com", 3))).start()
    try:
        before = query(db_url, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM crawl_runs)")
        results = {
            "crawl": _cli(
                ["crawl", "--source", "cointelegraph", "--replay-proxy", srv.proxy_url],
                {"DATABASE_URL": dead},
                tmp_path,
            ),
            "demo": _cli(["demo", "--quiet"], {"DATABASE_URL": dead}, tmp_path),
            "classify": _cli(["classify"], {"DATABASE_URL": dead}, tmp_path),
            "digest": _cli(["digest", "--week", "2022-W27"], {"DATABASE_URL": dead}, tmp_path),
        }
        hits = srv.hits
    finally:
        srv.stop()
    for command, proc in results.items():
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode != 0, command
        assert len(lines) == 1 and lines[0].startswith("error: "), (command, proc.stderr[-2000:])
        assert f"127.0.0.1:{port}" in lines[0] and "Traceback" not in proc.stderr
    # nothing half-written: no request went out, no output file, no embedded server, no rows anywhere
    assert hits == {}
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert not (tmp_path / "home" / "pgdata").exists()
    after = query(db_url, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM crawl_runs)")
    assert after == before


def test_database_that_accepts_then_hangs_up_is_not_a_traceback(tmp_path):
    """A port that accepts the TCP connection and closes it (a proxy with no database behind it)."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    stop = threading.Event()

    def hang_up():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conn.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    try:
        proc = _cli(
            ["crawl", "--source", "cointelegraph"],
            {"DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/chainwatch"},
            tmp_path,
        )
    finally:
        stop.set()
        thread.join(5)
        listener.close()
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode != 0 and len(lines) == 1 and lines[0].startswith("error: cannot connect"), proc.stderr
    assert "Traceback" not in proc.stderr
