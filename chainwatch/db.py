"""PostgreSQL access: where the database is, connections, and the migration runner.

DATABASE_URL picks a server. With none set, an embedded PostgreSQL 16 (the `pgserver`
package) starts in CHAINWATCH_HOME/pgdata on a Unix socket: that is the embedded default,
so the demo needs nothing installed by hand.

Migrations are the numbered files in sql/migrations, applied in order by a small runner
that records each in `schema_migrations`. Each file runs in its own transaction holding a
lock on `schema_migrations`, so concurrent `db upgrade` calls (two Airflow workers starting at
once) cannot apply a file twice; a read-only analyst cannot take that lock. A dependency-free runner was preferred over yoyo-migrations:
yoyo would add a package for ~40 lines of behaviour and is not aware of our embedded server.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg2
import psycopg2.extras
from psycopg2 import sql

from chainwatch import config
from chainwatch.errors import ChainWatchError, DatabaseUnavailable

log = logging.getLogger(__name__)

MIGRATIONS_DIR = config.PROJECT_ROOT / "sql" / "migrations"
_MIGRATION_RE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
MIGRATION_LOCK_TIMEOUT_S = 60.0  # a migration waits this long for a table lock, then fails with a clear message

_embedded = None


class MigrationLocked(ChainWatchError):
    """A migration could not get a lock in time: another session holds the table it changes."""


def _embedded_url() -> str:
    global _embedded
    if _embedded is None:
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            import pgserver  # imported lazily: only the embedded default needs it

        data = config.home() / "pgdata"
        data.parent.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None keeps the server running between commands, as a local service.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _embedded = pgserver.get_server(str(data), cleanup_mode=None)
        _ensure_database(_embedded.get_uri(), "chainwatch")
    return _embedded.get_uri("chainwatch")


def _ensure_database(admin_url: str, name: str) -> None:
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def database_url() -> str:
    """DATABASE_URL if set, else the embedded server (started on first use)."""
    return config.database_url_from_env() or _embedded_url()


READER_ROLE = "chainwatch_reader"  # migration 003


def reader_url(url: str) -> str:
    """`url` for reading only: every session it opens runs as chainwatch_reader (migration 003), with
    read-only transactions, through libpq's startup options. The login role must be a member of
    chainwatch_reader (superusers are); docs/web.md shows how to make such a login."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    options = " ".join(v for k, v in query if k == "options")
    options = f"{options} -c role={READER_ROLE} -c default_transaction_read_only=on".strip()
    query = [(k, v) for k, v in query if k != "options"] + [("options", options)]
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def redact(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def connect(url: str | None = None, *, retries: int = 0, delay: float = 1.0):
    """Open a connection; retry `retries` times (for a server that is restarting)."""
    url = url or database_url()
    attempt = 0
    while True:
        try:
            return psycopg2.connect(url, connect_timeout=10, application_name="chainwatch")
        except psycopg2.OperationalError as exc:
            if attempt >= retries:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
                raise DatabaseUnavailable(f"cannot connect to PostgreSQL at {redact(url)}: {first}") from exc
            attempt += 1
            time.sleep(min(delay * 2 ** (attempt - 1), 30))


@contextlib.contextmanager
def transaction(url: str | None = None, *, retries: int = 0) -> Iterator[psycopg2.extensions.cursor]:
    """A cursor in one transaction: committed on success, rolled back on error."""
    conn = connect(url, retries=retries)
    try:
        with conn:
            with conn.cursor() as cur:
                yield cur
    finally:
        conn.close()


def migrations() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        m = _MIGRATION_RE.match(path.name)
        if not m:
            raise RuntimeError(f"badly named migration file {path.name} (want NNN_name.sql)")
        found.append((path.stem, path))
    return found


def upgrade(url: str | None = None) -> list[str]:
    """Apply pending migrations; return the ids applied (empty when up to date)."""
    applied: list[str] = []
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
        for mig_id, path in migrations():
            with conn, conn.cursor() as cur:
                cur.execute(f"SET LOCAL lock_timeout = '{int(MIGRATION_LOCK_TIMEOUT_S * 1000)}ms'")
                try:
                    # A self-conflicting table lock, not an advisory lock: any role may take advisory locks,
                    # but only a role that may write schema_migrations can take this mode (an analyst's
                    # SELECT holds ACCESS SHARE, which does not conflict with it).
                    cur.execute("LOCK TABLE schema_migrations IN SHARE ROW EXCLUSIVE MODE")
                    cur.execute("SELECT 1 FROM schema_migrations WHERE id = %s", (mig_id,))
                    if cur.fetchone():
                        continue
                    log.info("applying migration %s", mig_id)
                    cur.execute(path.read_text(encoding="utf-8"))
                except psycopg2.errors.LockNotAvailable as exc:
                    raise MigrationLocked(
                        f"migration {mig_id} waited {MIGRATION_LOCK_TIMEOUT_S:.0f} s for a table lock that another "
                        "session holds (an open transaction; see pg_stat_activity); nothing was changed, "
                        "run `chainwatch db upgrade` again when it ends"
                    ) from exc
                cur.execute("INSERT INTO schema_migrations (id) VALUES (%s)", (mig_id,))
                applied.append(mig_id)
    finally:
        conn.close()
    return applied


def current_version(url: str | None = None) -> list[str]:
    with transaction(url) as cur:
        cur.execute("SELECT to_regclass('schema_migrations') IS NOT NULL")
        if not cur.fetchone()[0]:
            return []
        cur.execute("SELECT id FROM schema_migrations ORDER BY id")
        return [r[0] for r in cur.fetchall()]
