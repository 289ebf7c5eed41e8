"""Shared fixtures: one throwaway PostgreSQL database per test session, a replay HTTP server.

Tests use a real PostgreSQL server; nothing is mocked. Which one:
- TEST_PG_ADMIN_URL when set (no fallback: a server asked for by name must be there);
- else the machine's server (TEST_PG_LOCAL_URL, default postgres@127.0.0.1:5432) when it answers;
- else a private server started from the PostgreSQL binaries of the embedded `pgserver` package
  (tests/pgprivate.py), once per test run, stopped and deleted when the run ends. A newcomer's
  machine needs no PostgreSQL installed. Tests that stop or restart a server start their own.

Tiers: every test that reaches PostgreSQL is marked `db`, every one that loads the real model `model`,
and the browser tests `browser` (see pytest_collection_modifyitems). `make test-fast` runs the rest.
"""

from __future__ import annotations

import atexit
import functools
import os
import uuid
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LOCAL_URL = os.environ.get("TEST_PG_LOCAL_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"

# Data tables, children first: truncated between tests that ask for a clean database.
DATA_TABLES = (
    "classifications",
    "classified_articles",
    "digests",
    "articles",
    "crawl_runs",
    "model_versions",
    "sources",
)


def _answers(url: str) -> bool:
    try:
        psycopg2.connect(url, connect_timeout=3).close()
    except psycopg2.OperationalError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def admin_url() -> str:
    """The test server's admin URL (see the module docstring); the embedded one is started on first use."""
    if os.environ.get("TEST_PG_ADMIN_URL"):
        return os.environ["TEST_PG_ADMIN_URL"]
    if _answers(LOCAL_URL):
        return LOCAL_URL
    from tests.pgprivate import PrivatePostgres

    server = PrivatePostgres().__enter__()
    atexit.register(server.close)
    _EMBEDDED.append(server)
    return server.url()


_EMBEDDED: list = []  # the embedded server of this run, when one was started


def pytest_terminal_summary(terminalreporter):
    if _EMBEDDED:
        terminalreporter.write_line(
            f"PostgreSQL: no server answered at {LOCAL_URL}; the tests used an embedded "
            f"one (pgserver) on 127.0.0.1:{_EMBEDDED[0].port}"
        )


def _admin():
    conn = psycopg2.connect(admin_url())
    conn.autocommit = True
    return conn


def db_url_for(name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(admin_url())
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session")
def db_url(tmp_path_factory):
    """A fresh database with all migrations applied; DATABASE_URL points at it for the session."""
    from chainwatch import db

    name = f"chainwatch_test_{uuid.uuid4().hex[:10]}"
    admin = _admin()
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = db_url_for(name)
    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("CHAINWATCH_OUT", str(tmp_path_factory.mktemp("out")))
    db.upgrade(url)
    try:
        yield url
    finally:
        if old is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = old
        with admin.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.close()


def truncate_data(url: str) -> None:
    """Empty the data tables (labels and migrations kept)."""
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                    sql.SQL(", ").join(sql.Identifier(t) for t in DATA_TABLES)
                )
            )
    finally:
        conn.close()


@pytest.fixture()
def clean_db(db_url):
    """The session database, emptied of data (labels and migrations kept)."""
    truncate_data(db_url)
    return db_url


@pytest.fixture()
def db_cursor(db_url):
    conn = psycopg2.connect(db_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


@pytest.fixture()
def replay_server():
    """Factory: replay_server(root, faults=None) -> a started ReplayServer, stopped after the test."""
    from chainwatch.replay import ReplayServer

    started = []

    def make(root, faults=None):
        srv = ReplayServer(root, faults=faults).start()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()


# Fixtures whose use puts a test in a slower tier (pytest lists a test's fixtures transitively).
_DB_FIXTURES = {"db_url", "clean_db", "db_cursor"}
_MODEL_FIXTURES = {"classifier", "encoder"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & _DB_FIXTURES:
            item.add_marker(pytest.mark.db)
        if used & _MODEL_FIXTURES:
            item.add_marker(pytest.mark.model)
