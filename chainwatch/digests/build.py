"""build_digest(): read a week from the views, summarise, render, store, write, optionally email."""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg2

from chainwatch import config, db, taxonomy
from chainwatch.config import SmtpSettings
from chainwatch.digests import charts, fetch, mail, summary
from chainwatch.digests.model import NEW_WINDOW_WEEKS, Digest
from chainwatch.digests.render import KIND_TITLES, render_html, render_markdown
from chainwatch.digests.weeks import IsoWeek, parse_week
from chainwatch.errors import ChainWatchError
from chainwatch.files import write_atomic
from chainwatch.mail import send as send_mail
from chainwatch.storage import digests as digests_table
from chainwatch.storage import story_links

log = logging.getLogger(__name__)

# The charts' window, this week included. The trend is the digest's largest read: 8 weeks of a
# 10,000-items-a-week database take ~0.5 s; 12 weeks ~0.8 s (bench/bench_digest.py).
TREND_WEEKS = 8
STORIES_PER_LABEL = 3
ENTITIES_PER_LABEL = 3  # top entities shown per label


@dataclass(frozen=True)
class DigestResult:
    iso_week: str
    html_path: Path
    md_path: Path
    item_count: int
    emailed: bool = False


def build_digest(
    week: str | None = None,
    *,
    database_url: str | None = None,
    out_dir: Path | None = None,
    send_email: bool = False,
    smtp: SmtpSettings | None = None,
) -> DigestResult:
    """Build the digest of `week` (`2026-W47`; None: the last complete ISO week, UTC).

    Stores both formats in `digests` (re-running a week replaces them), writes
    `digest-<week>.html` and `.md` to `out_dir` (default chainwatch.config.out_dir()), and emails
    it when `send_email` (settings: `smtp`, else the SMTP_* environment).
    """
    started = time.monotonic()
    iso = parse_week(week)
    settings = _smtp_settings(smtp) if send_email else None
    url = database_url or db.database_url()

    digest = read_digest(iso, url)
    pngs = (
        {}
        if digest.empty
        else {kind: charts.small_multiples(digest.labels_of(kind), digest.trend_weeks) for kind, _ in KIND_TITLES}
    )
    html = render_html(digest, {kind: charts.data_uri(png) for kind, png in pngs.items()})
    markdown = render_markdown(digest)

    with db.transaction(url) as cur:
        digests_table.save(cur, str(iso), {"html": html, "md": markdown}, digest.totals.items, digest.generated_at)
    out = Path(out_dir) if out_dir is not None else config.out_dir()
    html_path = write_atomic(out / f"digest-{iso}.html", html)
    md_path = write_atomic(out / f"digest-{iso}.md", markdown)

    if settings is not None:
        send_mail(mail.compose(digest, markdown, pngs, settings), settings, what="digest")
    log.info("digest %s: %d items, %.2f s", iso, digest.totals.items, time.monotonic() - started)
    return DigestResult(str(iso), html_path, md_path, digest.totals.items, emailed=settings is not None)


def _smtp_settings(smtp: SmtpSettings | None) -> SmtpSettings:
    """Checked before any work, so a misconfigured email fails fast."""
    settings = smtp or config.smtp_settings()
    if settings is None:
        raise ChainWatchError("cannot email the digest: SMTP_HOST is not set")
    if not settings.recipients:
        raise ChainWatchError("cannot email the digest: no recipients (set SMTP_TO)")
    return settings


def read_digest(week: IsoWeek, database_url: str, *, now: datetime | None = None) -> Digest:
    """Everything the digest says about `week`, read in one read-only snapshot."""
    labels = taxonomy.load()
    trend_weeks = week.window(TREND_WEEKS)
    conn = db.connect(database_url)
    try:
        conn.set_session(readonly=True, isolation_level="REPEATABLE READ")
        with conn, conn.cursor() as cur:
            cur.execute(fetch.sql("session"))
            totals = fetch.week_totals(cur, week)
            items_per_week, per_label = fetch.trend(cur, trend_weeks)
            stories, labelled, versions = fetch.week_labels(cur, week)
            items_trend = tuple(items_per_week.get(w.monday, 0) for w in trend_weeks)
            digest = Digest(
                week=week,
                generated_at=now or datetime.now(UTC),
                trend_weeks=trend_weeks,
                totals=dataclasses.replace(totals, labelled=labelled),
                previous_items=items_per_week.get(week.shift(-1).monday, 0),
                items_trend=items_trend,
                labels=summary.label_weeks(labels, trend_weeks, per_label, stories, items_trend),
                source_health=fetch.source_health(cur, week),
                model_versions=versions,
            )
            if not digest.empty:
                digest.stories = fetch.top_stories(cur, week, STORIES_PER_LABEL)
                digest.new_entities = fetch.new_entities(cur, week, window_weeks=NEW_WINDOW_WEEKS)
                digest.label_entities = fetch.label_entities(cur, week, ENTITIES_PER_LABEL)
                digest.new_sources = fetch.new_sources(cur, week)
                digest.regulator_lag = story_links.lag_summary(cur, week.start, week.end)
    except _SCHEMA_MISSING as exc:
        raise _schema_error() from exc
    finally:
        conn.close()
    digest.source_health.sort(key=lambda s: (_STATUS_ORDER.get(s.status, 9), s.source_name.lower()))
    digest.summary = summary.headline(digest)
    return digest


# A database without migration 005 lacks the views (and the tsquery aggregate) read here.
_SCHEMA_MISSING = (psycopg2.errors.UndefinedTable, psycopg2.errors.UndefinedFunction)


def _schema_error() -> ChainWatchError:
    return ChainWatchError("the database schema is not up to date: run `chainwatch db upgrade`")


# Problems first in the health table.
_STATUS_ORDER = {"failing": 0, "degraded": 1, "no_items": 2, "not_crawled": 3, "ok": 4}


def weeks_with_articles(database_url: str | None = None) -> list[str]:
    """Every ISO week (`2026-W47`) with at least one dated article, oldest first."""
    try:
        with db.transaction(database_url) as cur:
            return [str(w) for w in fetch.weeks_with_articles(cur)]
    except _SCHEMA_MISSING as exc:
        raise _schema_error() from exc
