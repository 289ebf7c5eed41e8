"""
### weekly_digest: the digest of the last complete ISO week

Runs Mondays at 06:00 UTC (`CHAINWATCH_DIGEST_SCHEDULE` overrides) and builds the digest of
the last ISO week that ended before the run (from the data interval / logical date, so a
re-run of an old Monday rebuilds that Monday's week) with `chainwatch.digests.build_digest()`:
a `digests` row per format and HTML / Markdown files in `CHAINWATCH_OUT`.
The digest is emailed when SMTP is configured (`SMTP_HOST` and `SMTP_TO`).

**Run config**: `week` (`2026-W47`) builds that week instead; `send_email` (true / false)
overrides the SMTP-based default.

**Database**: the Airflow connection `chainwatch_db` (`CHAINWATCH_DB_CONN_ID`), else `DATABASE_URL`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from airflow.sdk import Param, dag, task

from chainwatch import airflow_support as cw
from chainwatch import config


@dag(
    dag_id="weekly_digest",
    schedule=config.schedule("digest", "0 6 * * 1"),
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args=cw.default_args(retry_delay_minutes=10, timeout_hours=1),
    params={
        "week": Param(
            None,
            type=["null", "string"],
            pattern=r"^\d{4}-W\d{2}$",
            description="ISO week to build, e.g. 2026-W47 (empty: the last complete week).",
        ),
        "send_email": Param(
            None, type=["null", "boolean"], description="Email the digest (empty: when SMTP_HOST and SMTP_TO are set)."
        ),
    },
    tags=["chainwatch", "digest"],
    doc_md=__doc__,
)
def weekly_digest() -> None:
    @task
    def build_digest(
        params: dict[str, Any] | None = None,
        dag_run: Any = None,
        data_interval_end: Any = None,
        logical_date: Any = None,
    ) -> dict[str, Any]:
        params = params or {}  # Airflow passes the run params; None only outside a run
        from chainwatch.digests import (
            build_digest as run_build,  # imported when the task runs, so parsing the DAG file stays fast
        )

        week = params.get("week") or cw.last_complete_iso_week(data_interval_end or logical_date or dag_run.run_after)
        send = params.get("send_email")
        result = run_build(
            week,
            database_url=cw.database_url(),
            send_email=cw.smtp_configured() if send is None else bool(send),
        )
        return dict(cw.to_xcom(result))

    build_digest()


weekly_digest()
