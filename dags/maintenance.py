"""
### maintenance: re-classification, retention, source health

Daily (`CHAINWATCH_MAINTENANCE_SCHEDULE` overrides); three independent tasks:
- `reclassify_if_model_changed`: when the classifier's version differs from the latest one in
  `classified_articles` / `model_versions`, re-runs `classify_pending(reclassify=True)`.
- `retention`: deletes `crawl_runs` older than `crawl_run_retention_days`
  (`CHAINWATCH_RETENTION_CRAWL_RUNS_DAYS`, default 90; each source's latest run is kept).
  Articles are never deleted unless `article_retention_days` (`CHAINWATCH_RETENTION_ARTICLES_DAYS`) is > 0.
- `check_source_health`: reads the `source_health` view; when an enabled source is `failing` or
  `degraded` (`health_fail_on`, `CHAINWATCH_HEALTH_FAIL_ON`) it emails SMTP_TO (if SMTP is set)
  and fails, so the run is red in the UI. Not retried: a retry would only repeat the alert.

**Database**: the Airflow connection `chainwatch_db` (`CHAINWATCH_DB_CONN_ID`), else `DATABASE_URL`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from airflow.sdk import Param, dag, task

from chainwatch import airflow_support as cw
from chainwatch import config


@dag(
    dag_id="maintenance",
    schedule=config.schedule("maintenance", "@daily"),
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args=cw.default_args(retry_delay_minutes=10, timeout_hours=3),
    params={
        "crawl_run_retention_days": Param(
            None,
            type=["null", "integer"],
            minimum=0,
            description="Delete crawl_runs older than this (0 keeps all; "
            "empty: CHAINWATCH_RETENTION_CRAWL_RUNS_DAYS or 90).",
        ),
        "article_retention_days": Param(
            None,
            type=["null", "integer"],
            minimum=0,
            description="Delete articles older than this (0 / empty: "
            "CHAINWATCH_RETENTION_ARTICLES_DAYS, default never).",
        ),
        "health_fail_on": Param(
            None,
            type=["null", "array"],
            items={"type": "string"},
            description="Health values that fail the check (empty: CHAINWATCH_HEALTH_FAIL_ON or failing,degraded).",
        ),
    },
    tags=["chainwatch", "maintenance"],
    doc_md=__doc__,
)
def maintenance() -> None:
    @task
    def reclassify_if_model_changed() -> dict[str, Any]:
        from chainwatch.runners.maintenance import (
            reclassify_if_model_changed as run,  # imported when the task runs, so parsing the DAG file stays fast
        )

        return dict(run(cw.database_url()))

    @task
    def retention(params: dict[str, Any] | None = None) -> dict[str, Any]:
        params = params or {}  # Airflow passes the run params; None only outside a run
        from chainwatch.runners.maintenance import (
            apply_retention,  # imported when the task runs, so parsing the DAG file stays fast
        )

        return dict(cw.to_xcom(apply_retention(cw.database_url(), **cw.retention_settings(params))))

    @task(retries=0)
    def check_source_health(params: dict[str, Any] | None = None) -> dict[str, Any]:
        params = params or {}  # Airflow passes the run params; None only outside a run
        from chainwatch.runners.maintenance import (
            check_source_health as run,  # imported when the task runs, so parsing the DAG file stays fast
        )

        return dict(cw.to_xcom(run(cw.database_url(), fail_on=cw.health_fail_on(params.get("health_fail_on")))))

    reclassify_if_model_changed()
    retention()
    check_source_health()


maintenance()
