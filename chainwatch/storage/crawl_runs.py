"""The `crawl_runs` table: one row per source per run, written while the crawl goes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

STATUSES = ("running", "ok", "degraded", "blocked", "js_required", "failed", "interrupted")
BACKFILL_RUN_PREFIX = "backfill-"  # run ids of `chainwatch backfill` (chainwatch.runners.crawl)
# Counted in error_counts for visibility, but they are the crawler being polite, not failures.
NOT_ERRORS = frozenset({"robots_disallowed"})


@dataclass
class RunStats:
    pages_fetched: int = 0
    items_stored: int = 0
    items_skipped: int = 0
    error_counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(n for kind, n in self.error_counts.items() if kind not in NOT_ERRORS)


def session_owner(cur) -> tuple[int, object]:
    """This database session as a crawl-run owner: (process id, server start time)."""
    cur.execute("SELECT pg_backend_pid(), pg_postmaster_start_time()")
    pid, server_start = cur.fetchone()
    return int(pid), server_start


def start_run(cur, run_id: str, source_id: str, owner: tuple[int, object] | None = None) -> None:
    """Open (or reopen, when an interrupted run is re-run with its id) the row for a source.

    `owner` (session_owner() of the session that stays connected while the crawl runs) marks the row as
    alive; reopening without one keeps the owner already recorded.
    """
    pid, server_start = owner or (None, None)
    cur.execute(
        """
        INSERT INTO crawl_runs (run_id, source_id, owner_pid, owner_server_start) VALUES (%s, %s, %s, %s)
        ON CONFLICT (run_id, source_id) DO UPDATE SET started_at = now(), finished_at = NULL,
            status = 'running', pages_fetched = 0, items_stored = 0, items_skipped = 0,
            errors = 0, error_counts = '{}'::jsonb, note = NULL,
            owner_pid = coalesce(EXCLUDED.owner_pid, crawl_runs.owner_pid),
            owner_server_start = coalesce(EXCLUDED.owner_server_start, crawl_runs.owner_server_start)
        """,
        (run_id, source_id, pid, server_start),
    )


def close_orphaned(cur, source_ids: list[str], run_id: str, note: str) -> int:
    """Close the sources' rows that other runs left 'running' with no live owner (the crawl was killed
    with SIGKILL, or its machine was lost): its owning session is gone, or the server restarted since.

    No lock is involved, so no other session (an analyst's included) can keep a row open or make a
    crawl wait."""
    cur.execute(
        """
        UPDATE crawl_runs SET status = 'interrupted', finished_at = now(), note = coalesce(note, %s)
        WHERE status = 'running' AND source_id = ANY(%s) AND run_id <> %s
          AND (owner_pid IS NULL
               OR owner_server_start IS DISTINCT FROM pg_postmaster_start_time()
               OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = crawl_runs.owner_pid))
        """,
        (note, list(source_ids), run_id),
    )
    return cur.rowcount


def save_run(
    cur, run_id: str, source_id: str, stats: RunStats, *, status: str = "running", note: str | None = None
) -> None:
    """Write the counters; any status but 'running' also sets finished_at."""
    if status not in STATUSES:
        raise ValueError(f"unknown crawl status {status!r}")
    cur.execute(
        """
        UPDATE crawl_runs SET pages_fetched = %s, items_stored = %s, items_skipped = %s,
            errors = %s, error_counts = %s::jsonb, status = %s, note = %s,
            finished_at = CASE WHEN %s = 'running' THEN NULL ELSE now() END
        WHERE run_id = %s AND source_id = %s
        """,
        (
            stats.pages_fetched,
            stats.items_stored,
            stats.items_skipped,
            stats.errors,
            json.dumps(stats.error_counts, sort_keys=True),
            status,
            note,
            status,
            run_id,
            source_id,
        ),
    )


def close_unfinished(
    cur, run_id: str, source_ids: list[str], status: str = "interrupted", note: str | None = None
) -> int:
    """The sources' rows of a run still 'running' (their crawl process died or was stopped) get a final
    status. Only those sources': other crawls of the same run (Airflow maps one task per source, all with
    one run_id) may still be running."""
    cur.execute(
        "UPDATE crawl_runs SET status = %s, finished_at = now(), note = coalesce(note, %s) "
        "WHERE run_id = %s AND source_id = ANY(%s) AND status = 'running'",
        (status, note, run_id, list(source_ids)),
    )
    return cur.rowcount


def runs_for(cur, run_id: str, source_ids: list[str] | None = None) -> list[dict]:
    """A run's rows (only the given sources' when `source_ids` is given)."""
    cur.execute(
        """
        SELECT source_id, status, started_at, finished_at, pages_fetched, items_stored,
               items_skipped, errors, error_counts, note
        FROM crawl_runs WHERE run_id = %s AND (%s::text[] IS NULL OR source_id = ANY(%s::text[]))
        ORDER BY source_id
        """,
        (run_id, source_ids, source_ids),
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def last_finished_start(cur, source_id: str):
    """When the source's last completed (ok/degraded) crawl started: sitemaps skip older lastmods.
    Backfills do not count: they read a window, so what changed after it may still be unread."""
    cur.execute(
        "SELECT max(started_at) FROM crawl_runs WHERE source_id = %s AND status IN ('ok', 'degraded')"
        " AND NOT starts_with(run_id, %s)",
        (source_id, BACKFILL_RUN_PREFIX),
    )
    row = cur.fetchone()
    return row[0] if row else None


def delete_older_than(cur, days: int) -> int:
    """Delete runs started more than `days` ago, keeping each source's latest (source health reads it)."""
    cur.execute(
        "DELETE FROM crawl_runs WHERE started_at < now() - make_interval(days => %s)"
        " AND id NOT IN (SELECT DISTINCT ON (source_id) id FROM crawl_runs"
        "                ORDER BY source_id, started_at DESC)",
        (int(days),),
    )
    return cur.rowcount


def server_now(cur):
    """The database server's clock (a crawl's 'since' for story reconciliation)."""
    cur.execute("SELECT now()")
    return cur.fetchone()[0]
