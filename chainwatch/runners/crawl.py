"""The crawl stage entry point: `crawl(sources, ...) -> CrawlSummary`.

It checks the database first (DatabaseUnavailable, before anything is fetched), syncs the
chosen registry entries into `sources`, opens one crawl_runs row per source, runs Scrapy in a
child process (spiders.run; a Twisted reactor cannot restart, and callers crawl many times in
one process) and reads the per-source results back from crawl_runs. Re-running is safe:
stored URLs are skipped and upserts are idempotent; re-using a run_id reopens its rows. The
calling process keeps a database session open while it runs and records that session as the
rows' owner; rows still 'running' whose owner session is gone (that crawl was killed outright)
are closed as 'interrupted' by the next crawl of the source.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

import psycopg2

from chainwatch import config, db
from chainwatch.errors import ChainWatchError
from chainwatch.storage.crawl_runs import (
    BACKFILL_RUN_PREFIX,
    close_orphaned,
    close_unfinished,
    runs_for,
    server_now,
    session_owner,
    start_run,
)
from chainwatch.storage.sources import sync_sources
from chainwatch.storage.stories import reconcile_stories
from spiders.backfill import Window
from spiders.registry import Source, select_sources

INTERRUPT_GRACE_S = 30
# A backfill walks sitemap indexes split by month or day: more child sitemaps than a daily crawl needs.
BACKFILL_SETTINGS = {"CHAINWATCH_SITEMAP_MAX_REQUESTS": 2000}
# A log line of the Scrapy child (Scrapy's LOG_FORMAT): "2026-12-02 18:43:39 [spiders] WARNING: ..."
_CHILD_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[([^\]]+)\] (DEBUG|INFO|WARNING|ERROR|CRITICAL): (.*)$")
child_log = logging.getLogger("chainwatch.crawl.child")


def relay_child_line(line: str) -> None:
    """Pass one stderr line of the Scrapy child on, keeping its log level.

    Where logging is set up (an Airflow task, the CLI), a child log line is logged again at its own level,
    so a WARNING stays a warning in the task log (Airflow files a task's raw stderr as errors). Other lines
    (progress, the rest of a traceback), and every line where nothing set up logging, go to stderr as written.
    """
    found = _CHILD_LOG_LINE.match(line.rstrip("\n"))
    if found and logging.getLogger().handlers:
        child_log.log(getattr(logging, found.group(2)), "[%s] %s", found.group(1), found.group(3))
    else:
        sys.stderr.write(line)


@dataclass
class CrawlSummary:
    run_id: str
    per_source: dict[str, dict] = field(default_factory=dict)  # source id -> its crawl_runs row
    pages_fetched: int = 0
    items_stored: int = 0
    items_skipped: int = 0
    errors: int = 0
    seconds: float = 0.0
    window: Window | None = None  # a backfill's

    @property
    def statuses(self) -> dict[str, str]:
        return {sid: row["status"] for sid, row in self.per_source.items()}

    def line(self) -> str:
        flagged = sorted(sid for sid, st in self.statuses.items() if st != "ok")
        what = f"backfill {self.window.since}..{self.window.until}" if self.window else "crawl"
        skipped = "skipped (stored before, or outside the window)" if self.window else "skipped"
        return (
            f"{what} {self.run_id}: {len(self.per_source)} source(s), {self.pages_fetched} pages, "
            f"{self.items_stored} stored, {self.items_skipped} {skipped}, {self.errors} errors "
            f"in {self.seconds:.1f}s" + (f"; not ok: {', '.join(flagged)}" if flagged else "")
        )


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def _prepare(url: str, chosen: list[Source], run_id: str, owner: tuple[int, object]) -> datetime:
    try:
        with db.transaction(url) as cur:
            sync_sources(cur, chosen)
            close_orphaned(cur, [s.id for s in chosen], run_id, f"crawl process died; closed by run {run_id}")
            for src in chosen:
                start_run(cur, run_id, src.id, owner)
            return server_now(cur)
    except psycopg2.errors.UndefinedTable as exc:
        raise ChainWatchError("the database has no ChainWatch tables; run `chainwatch db upgrade`") from exc


def _finish(url: str, run_id: str, source_ids: list[str], status: str, note: str, since: datetime) -> CrawlSummary:
    """Close this crawl's own rows and sum its own counts: other crawls may share the run_id."""
    with db.transaction(url) as cur:
        close_unfinished(cur, run_id, source_ids, status=status, note=note)
        rows = runs_for(cur, run_id, source_ids)
    with db.transaction(url) as cur:
        reconcile_stories(cur, since)
    summary = CrawlSummary(run_id=run_id, per_source={r["source_id"]: r for r in rows})
    summary.pages_fetched = sum(r["pages_fetched"] for r in rows)
    summary.items_stored = sum(r["items_stored"] for r in rows)
    summary.items_skipped = sum(r["items_skipped"] for r in rows)
    summary.errors = sum(r["errors"] for r in rows)
    return summary


def crawl(
    sources: list[str | Source] | None = None,
    *,
    run_id: str | None = None,
    replay_proxy: str | None = None,
    refetch: bool = False,
    database_url: str | None = None,
    progress: bool = False,
    settings: dict | None = None,
    window: Window | None = None,
) -> CrawlSummary:
    """Crawl the given registry ids (or Source entries; None = every enabled source).

    With a `window`, a backfill (spiders.backfill): sitemaps from its first day, date archives,
    listings followed to older pages; only articles published in the window are stored.

    `replay_proxy` ("http://127.0.0.1:PORT") fetches the real URLs from a local ReplayServer.
    `refetch` fetches and re-extracts URLs that are already stored. `settings` overrides Scrapy
    settings (tests shorten timeouts). Raises DatabaseUnavailable before crawling when the
    database cannot be reached, RegistryError for an unknown source id.
    """
    started = time.monotonic()
    chosen = select_sources(sources)
    url = database_url or db.database_url()
    run_id = run_id or (BACKFILL_RUN_PREFIX if window else "") + new_run_id()
    if window is not None:
        settings = {**BACKFILL_SETTINGS, **(settings or {})}
    # This session owns the run's rows until it ends (by any death): a later crawl closes them otherwise.
    owner = db.connect(url)
    try:
        owner.autocommit = True
        with owner.cursor() as cur:
            identity = session_owner(cur)
        return _crawl(
            url,
            chosen,
            run_id,
            identity,
            started,
            replay_proxy=replay_proxy,
            refetch=refetch,
            progress=progress,
            settings=settings,
            window=window,
        )
    finally:
        owner.close()


def _crawl(
    url: str,
    chosen: list[Source],
    run_id: str,
    owner: tuple[int, object],
    started: float,
    *,
    replay_proxy: str | None,
    refetch: bool,
    progress: bool,
    settings: dict | None,
    window: Window | None,
) -> CrawlSummary:
    since = _prepare(url, chosen, run_id, owner)
    ids = [s.id for s in chosen]

    with tempfile.TemporaryDirectory(prefix="chainwatch-crawl-") as tmp:
        sources_file = os.path.join(tmp, "sources.json")
        with open(sources_file, "w", encoding="utf-8") as fh:
            json.dump([s.to_dict() for s in chosen], fh)
        cmd = [sys.executable, "-m", "spiders.run", "--run-id", run_id, "--sources-file", sources_file]
        if replay_proxy:
            cmd += ["--replay-proxy", replay_proxy]
        if refetch:
            cmd.append("--refetch")
        if progress:
            cmd.append("--progress")
        if window is not None:
            cmd += ["--since", window.since.isoformat(), "--until", window.until.isoformat()]
        for key, value in (settings or {}).items():
            cmd += ["--set", f"{key}={json.dumps(value)}"]
        env = config.child_environment(DATABASE_URL=url)
        # The child's log lines (one per bad input) and progress lines are passed on to our stderr,
        # where a terminal or an Airflow task log shows them; the last few explain a failure.
        tail: deque[str] = deque(maxlen=20)
        child = subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace", bufsize=1
        )
        try:
            for line in child.stderr:
                if line.strip():
                    tail.append(line.strip())
                relay_child_line(line)
            code = child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)  # Scrapy closes spiders gracefully
            try:
                child.wait(timeout=INTERRUPT_GRACE_S)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            _finish(url, run_id, ids, "interrupted", "crawl interrupted", since)
            raise
        detail = tail[-1][:300] if tail else f"exit status {code}"
        if code == 0:
            summary = _finish(url, run_id, ids, "failed", f"source never started: {detail}", since)
        elif code < 0 or code == 130:
            summary = _finish(url, run_id, ids, "interrupted", f"crawl process stopped by signal {-code}", since)
        else:
            _finish(url, run_id, ids, "failed", f"crawl process failed: {detail}", since)
            raise ChainWatchError(f"crawl process failed (exit {code}): {detail}")
    summary.seconds = time.monotonic() - started
    summary.window = window
    return summary
