"""
### classify: label newly stored articles

Data-aware: scheduled on the `chainwatch://articles` Asset, so it runs after crawl tasks store
articles (several crawl events queue into one run). Calls `chainwatch.runners.classify.classify_pending()`,
which classifies every article the current model has not seen yet and extracts its entities, and
emits `chainwatch://classifications`; then `alerts` evaluates the alert rules and delivers what is
due (`chainwatch.runners.alerts.run_alerts()`, docs/alerts.md).

**Run config**: `limit` (optional): classify at most this many articles in this run.

**Database**: the Airflow connection `chainwatch_db` (`CHAINWATCH_DB_CONN_ID`), else `DATABASE_URL`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Asset, Param, dag, task

from chainwatch import airflow_support as cw

ARTICLES = Asset(cw.ARTICLES_ASSET_URI)
CLASSIFICATIONS = Asset(cw.CLASSIFICATIONS_ASSET_URI)


@dag(
    dag_id="classify",
    schedule=[ARTICLES],
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=3),
    default_args=cw.default_args(retry_delay_minutes=5, timeout_hours=2),
    params={
        "limit": Param(
            None,
            type=["null", "integer"],
            minimum=1,
            description="Classify at most this many articles (empty: all pending).",
        ),
    },
    tags=["chainwatch", "nlp"],
    doc_md=__doc__,
)
def classify() -> None:
    @task(outlets=[CLASSIFICATIONS])
    def classify_pending(params: dict[str, Any] | None = None) -> dict[str, Any]:
        params = params or {}  # Airflow passes the run params; None only outside a run
        from chainwatch.runners.classify import (
            classify_pending as run_classify,  # imported when the task runs, so parsing the DAG file stays fast
        )

        summary = run_classify(database_url=cw.database_url(), limit=params.get("limit"))
        return dict(cw.to_xcom(summary))

    @task
    def alerts() -> dict[str, Any]:
        from chainwatch.runners.alerts import (
            run_alerts,  # imported when the task runs, so parsing the DAG file stays fast
        )

        return dict(cw.to_xcom(run_alerts(database_url=cw.database_url())))

    classify_pending() >> alerts()


classify()
