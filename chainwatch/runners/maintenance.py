"""Housekeeping the maintenance DAG schedules: re-classification after a model change,
retention of old crawl bookkeeping, and source-health alerts.

Each function takes `database_url` (None: chainwatch.db's default) and returns a small dict
summary; none of them needs Airflow.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from email.message import EmailMessage

from chainwatch import config, db
from chainwatch.errors import ChainWatchError
from chainwatch.mail import send as send_mail
from chainwatch.runners.classify import classify_pending
from chainwatch.storage import articles, classifications, crawl_runs, health
from nlp.classifier import load_classifier

log = logging.getLogger(__name__)

DEFAULT_CRAWL_RUN_RETENTION_DAYS = 90
DEFAULT_HEALTH_FAIL_ON = ("failing", "degraded", "blocked", "js_required", "no_items")


class SourcesUnhealthy(ChainWatchError):
    """Raised by check_source_health when enabled sources are failing."""


# -- re-classification after a model change ---------------------------------------------------


def latest_model_version(database_url: str | None = None) -> str | None:
    """The model version that classified most recently, else the newest registered one, else None."""
    with db.transaction(database_url) as cur:
        return classifications.latest_model_version(cur)


def current_model_version() -> str:
    return load_classifier().version


def reclassify_if_model_changed(database_url: str | None = None, *, current_version: str | None = None) -> dict:
    """Run classify_pending(reclassify=True) only when the model differs from the one in the database."""
    latest = latest_model_version(database_url)
    current = current_version or current_model_version()
    if latest is None:
        log.info("nothing classified yet; the classify DAG handles new articles")
        return {"action": "none", "reason": "nothing classified yet", "current": current, "latest": None}
    if latest == current:
        log.info("model %s is the one in the database; no re-classification", current)
        return {"action": "none", "reason": "model unchanged", "current": current, "latest": latest}
    log.warning("model changed (%s -> %s): re-classifying stored articles", latest, current)
    summary = classify_pending(database_url=database_url, reclassify=True)
    return {"action": "reclassified", "current": current, "latest": latest, "summary": dataclasses.asdict(summary)}


# -- retention -------------------------------------------------------------------------------


def apply_retention(
    database_url: str | None = None,
    *,
    crawl_run_days: int | None = DEFAULT_CRAWL_RUN_RETENTION_DAYS,
    article_days: int | None = None,
) -> dict:
    """Delete crawl_runs started more than `crawl_run_days` ago (each source's latest run is kept);
    articles only when `article_days` is set.

    0 or None for a period keeps everything of that kind. Articles go by publication date (fetch
    date when unknown); their classifications go with them (ON DELETE CASCADE).
    """
    for name, value in (("crawl_run_days", crawl_run_days), ("article_days", article_days)):
        if value is not None and int(value) < 0:
            raise ChainWatchError(f"{name} must be >= 0, got {value}")
    deleted = {"crawl_runs": 0, "articles": 0}
    with db.transaction(database_url) as cur:
        if crawl_run_days:
            deleted["crawl_runs"] = crawl_runs.delete_older_than(cur, crawl_run_days)
        if article_days:
            deleted["articles"] = articles.delete_older_than(cur, article_days)
    log.info("retention: deleted %(crawl_runs)d crawl run(s), %(articles)d article(s)", deleted)
    return {"deleted": deleted, "crawl_run_days": crawl_run_days or None, "article_days": article_days or None}


# -- source health ---------------------------------------------------------------------------


def _format_report(rows: list[dict]) -> str:
    lines = [f"{'source':<20} {'health':<10} {'last run':<26} pages stored errors"]
    for r in rows:
        started = r["last_run_started"].strftime("%Y-%m-%d %H:%M UTC") if r["last_run_started"] else "-"
        lines.append(
            f"{r['source_id']:<20} {r['health']:<10} {started:<26} {r['pages_fetched'] or 0:>5}"
            f" {r['items_stored'] or 0:>6} {r['errors'] or 0:>6}"
        )
    return "\n".join(lines)


def send_alert(subject: str, body: str) -> bool:
    """Email `body` to SMTP_TO when SMTP is configured; False when it is not."""
    settings = config.smtp_settings()
    if settings is None or not settings.recipients:
        return False
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.sender
    msg["To"] = ", ".join(settings.recipients)
    msg.set_content(body)
    send_mail(msg, settings, what="alert")
    return True


def check_source_health(
    database_url: str | None = None, *, fail_on: Iterable[str] = DEFAULT_HEALTH_FAIL_ON, notify: bool = True
) -> dict:
    """Log every enabled source's health; email and raise SourcesUnhealthy when any is in `fail_on`."""
    fail_on = tuple(fail_on)
    with db.transaction(database_url) as cur:
        rows = [r for r in health.current(cur) if r["enabled"]]
    report = _format_report(rows)
    log.info("source health:\n%s", report)
    bad = [r for r in rows if r["health"] in fail_on]
    for r in rows:
        if r["health"] not in ("ok", *fail_on):
            log.warning("source %s: %s", r["source_id"], r["health"])
    summary = {
        "sources": len(rows),
        "unhealthy": [r["source_id"] for r in bad],
        "health": {r["source_id"]: r["health"] for r in rows},
        "emailed": False,
    }
    if bad:
        names = ", ".join(f"{r['source_id']} ({r['health']})" for r in bad)
        if notify:
            summary["emailed"] = send_alert(
                f"[ChainWatch] {len(bad)} source(s) unhealthy: {names}", "ChainWatch source health\n\n" + report + "\n"
            )
        raise SourcesUnhealthy(f"{len(bad)} source(s) unhealthy: {names}")
    return summary
