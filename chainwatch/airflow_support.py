"""Glue between Airflow and the ChainWatch stages, so the files in dags/ stay thin.

Nothing here holds pipeline logic: it resolves *where* (the database URL from an Airflow
connection), *what* (which sources, which ISO week, whether to send email) and turns stage
summaries into XCom-friendly dicts. Airflow is imported lazily, only by `database_url()`,
so the rest works (and is tested) without a scheduler.

Environment knobs (all optional):
- CHAINWATCH_DB_CONN_ID: Airflow connection id for ChainWatch's database (default `chainwatch_db`).
- CHAINWATCH_SOURCES: comma-separated source ids the crawl DAG is limited to (default: all enabled).
- CHAINWATCH_REPLAY_PROXY: `http://127.0.0.1:PORT` of a chainwatch.replay.ReplayServer (tests, demo).
- SMTP_HOST (+ SMTP_*): read by chainwatch.config; when set, digests and alerts are emailed.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import PurePath
from typing import Any
from urllib.parse import quote, urlencode

from chainwatch import config
from chainwatch.digests.weeks import last_complete_week
from chainwatch.errors import ChainWatchError
from chainwatch.runners.maintenance import DEFAULT_CRAWL_RUN_RETENTION_DAYS, DEFAULT_HEALTH_FAIL_ON
from spiders import registry

log = logging.getLogger(__name__)

DEFAULT_CONN_ID = "chainwatch_db"
ARTICLES_ASSET_URI = "chainwatch://articles"
CLASSIFICATIONS_ASSET_URI = "chainwatch://classifications"

# Connection extras that are libpq connection parameters (passed through as URL query parameters).
_LIBPQ_EXTRAS = (
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslcrl",
    "connect_timeout",
    "application_name",
    "options",
    "target_session_attrs",
    "keepalives",
    "keepalives_idle",
)


def default_args(*, retry_delay_minutes: int, timeout_hours: int) -> dict:
    """The default_args every ChainWatch DAG shares: an owner, 2 retries with a delay, a timeout."""
    return {
        "owner": "chainwatch",
        "retries": 2,
        "retry_delay": timedelta(minutes=retry_delay_minutes),
        "execution_timeout": timedelta(hours=timeout_hours),
    }


def conn_id() -> str:
    return config.airflow_conn_id(DEFAULT_CONN_ID)


def connection_to_url(conn: Any) -> str:
    """A libpq URL from an Airflow connection (postgres type): host, port, login, password, schema, extras."""
    conn_type = (getattr(conn, "conn_type", None) or "postgres").lower()
    if conn_type not in {"postgres", "postgresql"}:
        raise ChainWatchError(f"Airflow connection {conn.conn_id!r} has type {conn_type!r}; want 'postgres'")
    auth = ""
    if conn.login:
        auth = quote(conn.login, safe="")
        if conn.password:
            auth += ":" + quote(conn.password, safe="")
        auth += "@"
    host = conn.host or ""
    extras = dict(getattr(conn, "extra_dejson", None) or {})
    if host.startswith("/"):  # a Unix-socket directory goes in the query string
        extras["host"], host = host, ""
    elif ":" in host and not host.startswith("["):  # IPv6 literal
        host = f"[{host}]"
    port = f":{int(conn.port)}" if conn.port else ""
    dbname = quote(getattr(conn, "schema", None) or "", safe="")
    query = {k: str(extras[k]) for k in _LIBPQ_EXTRAS if extras.get(k) not in (None, "")}
    if not host and extras.get("host"):  # a Unix-socket directory, e.g. the embedded server's
        query["host"] = str(extras["host"])
    url = f"postgresql://{auth}{host}{port}/{dbname}"
    return url + ("?" + urlencode(query) if query else "")


def database_url(conn_id_: str | None = None) -> str | None:
    """ChainWatch's database for a task: the Airflow connection if defined, else DATABASE_URL.

    Returns None when neither is set; the library then falls back to its embedded server.
    Must run inside a task (the Task SDK fetches connections through the execution API).
    """
    cid = conn_id_ or conn_id()
    try:
        from airflow.sdk import Connection  # optional: only inside an Airflow task
        from airflow.sdk.exceptions import AirflowNotFoundException  # optional: only inside an Airflow task
    except ImportError:  # no Airflow: plain environment
        return config.database_url_from_env()
    try:
        conn = Connection.get(cid)
    except AirflowNotFoundException:
        url = config.database_url_from_env()
        log.info("no Airflow connection %r; using %s", cid, "DATABASE_URL" if url else "the embedded default")
        return url
    log.info("using Airflow connection %r for ChainWatch's database", cid)
    return connection_to_url(conn)


def select_sources(requested: Iterable[str] | None = None) -> list[str]:
    """Source ids to crawl: `requested` (run params), else CHAINWATCH_SOURCES, else every enabled source.

    Unknown ids raise (spiders.registry.RegistryError): a typo must not look like a quiet, empty crawl.
    """
    wanted = [s for s in (requested or []) if s] or config.crawl_sources()
    return list(dict.fromkeys(src.id for src in registry.select_sources(wanted or None)))


def replay_proxy(requested: str | None = None) -> str | None:
    """The replay proxy from the run config, else CHAINWATCH_REPLAY_PROXY, else None (the live web)."""
    return (requested or "").strip() or config.replay_proxy()


def crawl_run_id(airflow_run_id: str) -> str:
    """The crawl_runs.run_id shared by every source crawled in one DAG run."""
    return f"airflow:{airflow_run_id}"


def check_crawl(summary: Any, source_id: str) -> dict:
    """The crawl summary (chainwatch.runners.crawl.CrawlSummary) as a dict; raises when the source's run failed or
    was interrupted, so its task fails and retries ('degraded' passes: the source_health check reports it)."""
    data = to_xcom(summary)
    status = _source_status(data, source_id)
    if status in ("failed", "interrupted"):
        row = data["per_source"][source_id]
        raise ChainWatchError(f"crawl of source {source_id!r} {status}: {row.get('note') or data}")
    return data


def _source_status(data: dict, source_id: str) -> str | None:
    """The source's crawl_runs status in a CrawlSummary's `per_source` (None: the source was not crawled)."""
    row = data.get("per_source", {}).get(source_id)
    return row.get("status") if row else None


def retention_settings(params: dict | None = None) -> dict:
    """Retention periods (days) from the run params, else the environment; 0 keeps everything."""
    params = params or {}

    def pick(param: str, kind: str, default: int) -> int:
        value = params.get(param)
        return config.retention_days(kind, default) if value is None else int(value)

    return {
        "crawl_run_days": pick("crawl_run_retention_days", "crawl_runs", DEFAULT_CRAWL_RUN_RETENTION_DAYS),
        "article_days": pick("article_retention_days", "articles", 0),
    }


def health_fail_on(requested: Iterable[str] | None = None) -> tuple[str, ...]:
    return tuple(requested or config.health_fail_on() or DEFAULT_HEALTH_FAIL_ON)


def last_complete_iso_week(moment: datetime) -> str:
    """The last ISO week (UTC) that had ended at `moment` (a run's data interval end), as `YYYY-Www`.

    A Monday 06:00 run gets the week that ended the Sunday before; so does any moment of that week.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return str(last_complete_week(moment))


def smtp_configured() -> bool:
    settings = config.smtp_settings()
    return bool(settings and settings.recipients)


def to_xcom(value: Any) -> Any:
    """A JSON-friendly copy of a stage summary (dataclasses, paths, datetimes, tuples)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_xcom(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_xcom(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_xcom(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "__dict__"):
        return {k: to_xcom(v) for k, v in vars(value).items() if not k.startswith("_")}
    return str(value)
