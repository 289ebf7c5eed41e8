"""Configuration, read from the environment in this one place.

Nothing here holds a secret: passwords come in through DATABASE_URL / SMTP_* variables
(or an Airflow connection, see dags/), never from the repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def home() -> Path:
    """Local state (embedded database, converted model, caches). Not committed."""
    return Path(os.environ.get("CHAINWATCH_HOME", PROJECT_ROOT / ".chainwatch")).resolve()


def out_dir() -> Path:
    return Path(os.environ.get("CHAINWATCH_OUT", PROJECT_ROOT / "out")).resolve()


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "chainwatch@localhost"
    recipients: tuple[str, ...] = field(default_factory=tuple)
    starttls: bool = False


def smtp_settings() -> SmtpSettings | None:
    """SMTP delivery is optional: None unless SMTP_HOST is set."""
    host = os.environ.get("SMTP_HOST")
    if not host:
        return None
    return SmtpSettings(
        host=host,
        port=int(os.environ.get("SMTP_PORT", "25")),
        user=os.environ.get("SMTP_USER") or None,
        password=os.environ.get("SMTP_PASSWORD") or None,
        sender=os.environ.get("SMTP_FROM", "chainwatch@localhost"),
        recipients=tuple(r.strip() for r in os.environ.get("SMTP_TO", "").split(",") if r.strip()),
        starttls=os.environ.get("SMTP_STARTTLS", "0").lower() in {"1", "true", "yes"},
    )


def webhook_secret() -> str | None:
    """CHAINWATCH_WEBHOOK_SECRET: the HMAC-SHA256 key that signs alert webhooks (docs/alerts.md)."""
    return os.environ.get("CHAINWATCH_WEBHOOK_SECRET") or None


def database_url_from_env() -> str | None:
    return os.environ.get("DATABASE_URL") or None


def env_list(name: str) -> list[str]:
    """A comma-separated variable as a list, blanks dropped."""
    return [v.strip() for v in os.environ.get(name, "").split(",") if v.strip()]


def child_environment(**overrides: str) -> dict[str, str]:
    """This process's environment with `overrides`, for a child process (the crawl's Scrapy child)."""
    return {**os.environ, **overrides}


def log_level() -> str:
    """CHAINWATCH_LOG: the log level name (default WARNING)."""
    return os.environ.get("CHAINWATCH_LOG", "WARNING").upper()


def taxonomy_path(default: Path) -> Path:
    """CHAINWATCH_TAXONOMY: another taxonomy file instead of the bundled one."""
    return Path(os.environ.get("CHAINWATCH_TAXONOMY", default))


# -- the Airflow deployment (dags/, chainwatch.airflow_support) --------------------------------


def airflow_conn_id(default: str) -> str:
    """CHAINWATCH_DB_CONN_ID: the Airflow connection that holds ChainWatch's database."""
    return os.environ.get("CHAINWATCH_DB_CONN_ID") or default


def crawl_sources() -> list[str]:
    """CHAINWATCH_SOURCES: the source ids the crawl DAG is limited to (empty: every enabled source)."""
    return env_list("CHAINWATCH_SOURCES")


def replay_proxy() -> str | None:
    """CHAINWATCH_REPLAY_PROXY: `http://127.0.0.1:PORT` of a replay server to crawl through (tests, demo)."""
    return os.environ.get("CHAINWATCH_REPLAY_PROXY") or None


def retention_days(kind: str, default: int) -> int:
    """CHAINWATCH_RETENTION_CRAWL_RUNS_DAYS / CHAINWATCH_RETENTION_ARTICLES_DAYS (`kind`: crawl_runs | articles)."""
    return int(os.environ.get(f"CHAINWATCH_RETENTION_{kind.upper()}_DAYS") or default)


def health_fail_on() -> list[str]:
    """CHAINWATCH_HEALTH_FAIL_ON: the health flags that fail the maintenance check (empty: the default)."""
    return env_list("CHAINWATCH_HEALTH_FAIL_ON")


def schedule(dag: str, default: str) -> str:
    """CHAINWATCH_<DAG>_SCHEDULE: a DAG's schedule (crawl, digest, maintenance)."""
    return os.environ.get(f"CHAINWATCH_{dag.upper()}_SCHEDULE", default)


def crawl_parallelism(default: int = 4) -> int:
    """CHAINWATCH_CRAWL_PARALLELISM: how many sources one crawl DAG run crawls at once."""
    return int(os.environ.get("CHAINWATCH_CRAWL_PARALLELISM", str(default)))


def api_token() -> str | None:
    """CHAINWATCH_API_TOKEN: what `chainwatch serve` asks every client for (required off loopback)."""
    return os.environ.get("CHAINWATCH_API_TOKEN") or None
