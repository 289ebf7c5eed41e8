"""Housekeeping the maintenance DAG schedules: re-classification after a model change,
retention of old crawl bookkeeping, and source-health alerts.

Each function takes `database_url` (None: chainwatch.db's default) and returns a small dict
summary; none of them needs Airflow.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import Iterable

from chainwatch import config, db
from chainwatch.errors import ChainWatchError

log = logging.getLogger(__name__)

DEFAULT_CRAWL_RUN_RETENTION_DAYS = 90
DEFAULT_HEALTH_FAIL_ON = ("failing", "degraded")


class SourcesUnhealthy(ChainWatchError):
    """Raised by check_source_health when enabled sources are failing."""


# -- re-classification after a model change ---------------------------------------------------

def latest_model_version(database_url: str | None = None) -> str | None:
    """The model version that classified most recently, else the newest registered one, else None."""
    with db.transaction(database_url) as cur:
        cur.execute("SELECT model_version FROM classified_articles ORDER BY classified_at DESC LIMIT 1")
        row = cur.fetchone()
        if row:
            return row[0]
        cur.execute("SELECT version FROM model_versions ORDER BY created_at DESC LIMIT 1")
        row = cur.fetchone()
        return row[0] if row else None


def current_model_version() -> str:
    from nlp.classifier import load_classifier

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
    from nlp.pipeline import classify_pending

    summary = classify_pending(database_url=database_url, reclassify=True)
    from chainwatch.airflow_support import to_xcom

    return {"action": "reclassified", "current": current, "latest": latest, "summary": to_xcom(summary)}


# -- retention -------------------------------------------------------------------------------

def apply_retention(database_url: str | None = None, *, crawl_run_days: int | None = DEFAULT_CRAWL_RUN_RETENTION_DAYS,
                    article_days: int | None = None) -> dict:
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
            # Each source's latest run is kept whatever its age: source_health reads it.
            cur.execute(
                "DELETE FROM crawl_runs WHERE started_at < now() - make_interval(days => %s)"
                " AND id NOT IN (SELECT DISTINCT ON (source_id) id FROM crawl_runs"
                "                ORDER BY source_id, started_at DESC)",
                (int(crawl_run_days),))
            deleted["crawl_runs"] = cur.rowcount
        if article_days:
            cur.execute("DELETE FROM articles WHERE coalesce(published_at, fetched_at) < now() - make_interval(days => %s)",
                        (int(article_days),))
            deleted["articles"] = cur.rowcount
    log.info("retention: deleted %(crawl_runs)d crawl run(s), %(articles)d article(s)", deleted)
    return {"deleted": deleted, "crawl_run_days": crawl_run_days or None, "article_days": article_days or None}


# -- source health ---------------------------------------------------------------------------

_HEALTH_COLUMNS = ("source_id", "name", "enabled", "health", "last_run_id", "last_run_status",
                   "last_run_started", "pages_fetched", "items_stored", "errors", "articles")


def source_health(database_url: str | None = None) -> list[dict]:
    """Rows of the source_health view (see sql/migrations), one dict per source."""
    with db.transaction(database_url) as cur:
        cur.execute("SELECT source_id, name, enabled, health, last_run_id, last_run_status, last_run_started,"
                    " pages_fetched, items_stored, errors, articles FROM source_health ORDER BY source_id")
        return [dict(zip(_HEALTH_COLUMNS, row)) for row in cur.fetchall()]


def _format_report(rows: list[dict]) -> str:
    lines = [f"{'source':<20} {'health':<10} {'last run':<26} pages stored errors"]
    for r in rows:
        started = r["last_run_started"].strftime("%Y-%m-%d %H:%M UTC") if r["last_run_started"] else "-"
        lines.append(f"{r['source_id']:<20} {r['health']:<10} {started:<26} {r['pages_fetched'] or 0:>5}"
                     f" {r['items_stored'] or 0:>6} {r['errors'] or 0:>6}")
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
    try:
        if settings.port == 465:  # TLS from the first byte
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=30, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=30)
        with client:
            if settings.starttls and settings.port != 465:
                client.starttls(context=ssl.create_default_context())
            if settings.user:
                client.login(settings.user, settings.password or "")
            client.send_message(msg, from_addr=settings.sender, to_addrs=list(settings.recipients))
    except (smtplib.SMTPException, OSError) as exc:
        detail = " ".join(str(exc).split()) or exc.__class__.__name__
        raise ChainWatchError(f"cannot email the alert through {settings.host}:{settings.port}: {detail}") from exc
    return True


def check_source_health(database_url: str | None = None, *, fail_on: Iterable[str] = DEFAULT_HEALTH_FAIL_ON,
                        notify: bool = True) -> dict:
    """Log every enabled source's health; email and raise SourcesUnhealthy when any is in `fail_on`."""
    fail_on = tuple(fail_on)
    rows = [r for r in source_health(database_url) if r["enabled"]]
    report = _format_report(rows)
    log.info("source health:\n%s", report)
    bad = [r for r in rows if r["health"] in fail_on]
    for r in rows:
        if r["health"] not in ("ok", *fail_on):
            log.warning("source %s: %s", r["source_id"], r["health"])
    summary = {"sources": len(rows), "unhealthy": [r["source_id"] for r in bad],
               "health": {r["source_id"]: r["health"] for r in rows}, "emailed": False}
    if bad:
        names = ", ".join(f"{r['source_id']} ({r['health']})" for r in bad)
        if notify:
            summary["emailed"] = send_alert(f"[ChainWatch] {len(bad)} source(s) unhealthy: {names}",
                                            "ChainWatch source health\n\n" + report + "\n")
        raise SourcesUnhealthy(f"{len(bad)} source(s) unhealthy: {names}")
    return summary
