"""
### crawl: fetch every source into PostgreSQL

Runs hourly (`CHAINWATCH_CRAWL_SCHEDULE` overrides). `select_sources` lists the enabled sources
(`spiders.registry.load_sources()`); `crawl_source` is mapped over them, one task instance per
source, so one broken source fails (and retries) alone while the others finish. Every instance
calls `chainwatch.runners.crawl.crawl([source_id], run_id=...)` with one `run_id` shared by the whole DAG
run (the `crawl_runs.run_id` column), and each success emits the `chainwatch://articles` Asset,
which schedules the **classify** DAG.

**Run config** (trigger with config):
- `sources`: list of source ids to crawl (default: `CHAINWATCH_SOURCES`, else all enabled).
- `replay_proxy`: `http://127.0.0.1:PORT` of a replay server (default: `CHAINWATCH_REPLAY_PROXY`).
- `refetch`: fetch pages again even when already stored.

**Database**: the Airflow connection `chainwatch_db` (`CHAINWATCH_DB_CONN_ID`), else `DATABASE_URL`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Asset, Param, dag, task

from chainwatch import airflow_support as cw
from chainwatch import config

ARTICLES = Asset(cw.ARTICLES_ASSET_URI)


@dag(
    dag_id="crawl",
    schedule=config.schedule("crawl", "@hourly"),
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=2),
    default_args=cw.default_args(retry_delay_minutes=5, timeout_hours=1),
    params={
        "sources": Param(
            [],
            type="array",
            items={"type": "string"},
            description="Source ids to crawl; empty: CHAINWATCH_SOURCES or every enabled source.",
        ),
        "replay_proxy": Param(
            None,
            type=["null", "string"],
            description="http://127.0.0.1:PORT of a ReplayServer; empty: CHAINWATCH_REPLAY_PROXY.",
        ),
        "refetch": Param(False, type="boolean", description="Fetch pages again even when already stored."),
    },
    tags=["chainwatch", "crawl"],
    doc_md=__doc__,
)
def crawl() -> None:
    @task
    def select_sources(params: dict[str, Any] | None = None) -> list[str]:
        params = params or {}  # Airflow passes the run params; None only outside a run
        return cw.select_sources(params.get("sources"))

    @task(
        outlets=[ARTICLES],
        map_index_template="{{ task.op_kwargs['source_id'] }}",
        max_active_tis_per_dagrun=config.crawl_parallelism(),
    )
    def crawl_source(source_id: str, params: dict[str, Any] | None = None, run_id: str | None = None) -> dict[str, Any]:
        params = params or {}  # Airflow passes the run params; None only outside a run
        from chainwatch.runners.crawl import (
            crawl as run_crawl,  # imported when the task runs, so parsing the DAG file stays fast
        )

        summary = run_crawl(
            [source_id],
            run_id=cw.crawl_run_id(str(run_id)),
            replay_proxy=cw.replay_proxy(params.get("replay_proxy")),
            refetch=bool(params.get("refetch")),
            database_url=cw.database_url(),
        )
        return cw.check_crawl(summary, source_id)

    crawl_source.expand(source_id=select_sources())


crawl()
