"""Source health, answered here and nowhere else.

- `current(cur)`: every source with its latest run and health flag (the `source_health` view of
  sql/migrations/002_views.sql): what `chainwatch sources status` and the maintenance check read.
- `for_week(cur, start, end)`: each source's runs and items of one week, flagged with the same
  thresholds (sql/digests/source_health_week.sql): what the weekly digest shows.
"""

from __future__ import annotations

from datetime import datetime

from chainwatch.sqlfiles import statement


def current(cur) -> list[dict]:
    """Every source with its latest run, its error kinds and its health flag, by source id."""
    cur.execute(
        """
        SELECT h.source_id, h.name, h.kind, h.lang, h.enabled, h.health, h.last_run_id,
               h.last_run_started, h.last_run_finished, h.last_run_status, h.pages_fetched,
               h.items_stored, h.items_skipped, h.errors, h.articles, h.newest_article,
               r.error_counts, r.note
        FROM source_health h
        LEFT JOIN crawl_runs r ON r.run_id = h.last_run_id AND r.source_id = h.source_id
        ORDER BY h.source_id
        """
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def for_week(cur, start: datetime, end: datetime) -> list[tuple]:
    """(source_id, name, runs, failed_runs, pages, stored, skipped, errors, error_kinds, items, status)
    for every source that was enabled, ran or published in [start, end)."""
    cur.execute(statement("digests", "source_health_week"), {"start": start, "end": end})
    return cur.fetchall()
