"""The main job, end to end: crawl, extract, classify (with entities), alert, store, digest.

`run_demo()` does it offline against the bundled snapshot of real news (replay/site), served by a
local replay server on 127.0.0.1 that the real spiders crawl through as an HTTP proxy.
`run_live()` does it against the registered live sources. Both only call the stage entry points
that the DAGs call too; each stage is idempotent, so re-running adds no duplicate rows.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from chainwatch import config, db
from chainwatch.digests import build_digest, weeks_with_articles
from chainwatch.replay import ReplayServer
from chainwatch.runners.alerts import run_alerts
from chainwatch.runners.classify import classify_pending
from chainwatch.runners.crawl import crawl

log = logging.getLogger(__name__)

REPLAY_SITE = config.PROJECT_ROOT / "replay" / "site"
DEMO_SOURCES = ["cointelegraph", "cryptonews", "cryptopotato", "jinse_flash", "blockbeats", "sec"]


@dataclass
class PipelineResult:
    crawl: object
    classify: object
    digests: list = field(default_factory=list)
    seconds: float = 0.0
    alerts: object = None  # chainwatch.runners.alerts.AlertsRun

    @property
    def digest_paths(self) -> list[Path]:
        return [p for d in self.digests for p in (d.html_path, d.md_path)]


def _classify_and_digest(weeks: list[str] | None, *, database_url: str, progress: bool, send_email: bool):

    classified = classify_pending(database_url=database_url, progress=progress)
    alerted = run_alerts(database_url=database_url)  # after every classify run, as in the classify DAG
    for line in alerted.lines():
        log.info(line)
    if weeks is None:
        weeks = weeks_with_articles(database_url=database_url)
    digests = [build_digest(w, database_url=database_url, send_email=send_email) for w in weeks]
    return classified, digests, alerted


def run_demo(*, database_url: str | None = None, progress: bool = True, site: Path = REPLAY_SITE) -> PipelineResult:
    """Offline: replay the bundled snapshot, then classify and build a digest for every week in it."""

    started = time.monotonic()
    url = database_url or db.database_url()
    db.upgrade(url)
    with ReplayServer(site) as server:
        crawled = crawl(DEMO_SOURCES, replay_proxy=server.proxy_url, database_url=url, progress=progress)
    classified, digests, alerted = _classify_and_digest(None, database_url=url, progress=progress, send_email=False)
    return PipelineResult(crawled, classified, digests, time.monotonic() - started, alerted)


def run_live(
    *,
    database_url: str | None = None,
    progress: bool = True,
    sources: list[str] | None = None,
    send_email: bool = False,
) -> PipelineResult:
    """Live: crawl the registered sources, classify what is new, digest the last complete week."""

    started = time.monotonic()
    url = database_url or db.database_url()
    db.upgrade(url)
    crawled = crawl(sources, database_url=url, progress=progress)
    classified, digests, alerted = _classify_and_digest(
        [None], database_url=url, progress=progress, send_email=send_email
    )
    return PipelineResult(crawled, classified, digests, time.monotonic() - started, alerted)
