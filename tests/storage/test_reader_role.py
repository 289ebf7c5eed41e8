"""chainwatch_reader (migration 003): a login role that is a member can read every table and view,
and can neither write nor change the schema."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from psycopg2 import errors, sql

from tests.storage.seed import seed

MIGRATION = Path(__file__).resolve().parents[2] / "sql" / "migrations" / "003_reader_role.sql"


def _url_as(url: str, user: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


@pytest.fixture()
def analyst(clean_db, db_cursor):
    """(connection as a fresh LOGIN role in chainwatch_reader, its name); the role is dropped afterwards."""
    seed(db_cursor)
    name = f"cw_analyst_{uuid.uuid4().hex[:8]}"
    db_cursor.execute(sql.SQL("CREATE ROLE {} LOGIN IN ROLE chainwatch_reader").format(sql.Identifier(name)))
    conn = psycopg2.connect(_url_as(clean_db, name))
    conn.autocommit = True
    try:
        yield conn, name
    finally:
        conn.close()
        db_cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
        db_cursor.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def _relations(cur, kinds=("r", "v")):
    cur.execute(
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = ANY(%s) ORDER BY c.relname",
        (list(kinds),),
    )
    return cur.fetchall()


def _counts(cur):
    return {name: _count(cur, name) for name, _ in _relations(cur, ("r",))}


def _count(cur, name):
    cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name)))
    return cur.fetchone()[0]


def test_role_is_a_nologin_group(db_cursor):
    db_cursor.execute(
        "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = 'chainwatch_reader'"
    )
    assert db_cursor.fetchone() == (False, False, False, False)


def test_migration_is_safe_to_rerun_when_the_role_exists(db_url):
    # roles are cluster-wide: every test database (and this re-run) meets an existing role
    conn = psycopg2.connect(db_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(MIGRATION.read_text(encoding="utf-8"))
            cur.execute("SELECT count(*) FROM pg_roles WHERE rolname = 'chainwatch_reader'")
            assert cur.fetchone()[0] == 1
    finally:
        conn.close()


@pytest.mark.parametrize("set_role", [False, True], ids=["inherited", "set-role"])
def test_member_reads_every_table_and_view(analyst, db_cursor, set_role):
    conn, _ = analyst
    relations = _relations(db_cursor)
    assert {"articles", "article_labels", "weekly_label_counts", "stories", "source_health"} <= {
        r for r, _ in relations
    }
    with conn.cursor() as cur:
        if set_role:
            cur.execute("SET ROLE chainwatch_reader")
        for name, _ in relations:
            assert _count(cur, name) == _count(db_cursor, name), name
        cur.execute("SELECT count(*) FROM article_labels WHERE label = 'money_laundering'")
        assert cur.fetchone()[0] > 0


WRITES = [
    "INSERT INTO sources (id, name, domain, lang, kind) VALUES ('x', 'X', 'x.example', 'en', 'feed')",
    "UPDATE articles SET title = 'defaced'",
    "DELETE FROM classifications",
    "TRUNCATE crawl_runs CASCADE",
    "INSERT INTO labels (id, kind, name, description) VALUES ('x_label', 'risk', 'X', 'x')",
    "UPDATE source_health SET name = 'x'",
    "CREATE TABLE analyst_notes (id int)",
    "CREATE VIEW analyst_view AS SELECT 1 AS one",
    "CREATE INDEX analyst_idx ON articles (title)",
    "DROP TABLE articles",
    "DROP VIEW article_labels",
    "ALTER TABLE articles ADD COLUMN note text",
    "ALTER TABLE sources DROP COLUMN config",
    "CREATE SCHEMA analyst",
    "COMMENT ON TABLE articles IS 'x'",
    "SELECT setval('articles_id_seq', 1)",
]


@pytest.mark.parametrize("set_role", [False, True], ids=["inherited", "set-role"])
def test_member_cannot_write_or_change_the_schema(analyst, db_cursor, set_role):
    conn, _ = analyst
    before = _counts(db_cursor)
    relations_before = _relations(db_cursor, ("r", "v", "i", "S"))
    with conn.cursor() as cur:
        if set_role:
            cur.execute("SET ROLE chainwatch_reader")
        for statement in WRITES:
            with pytest.raises((errors.InsufficientPrivilege, errors.ObjectNotInPrerequisiteState)) as err:
                cur.execute(statement)
            assert err.value.pgcode in ("42501", "55000"), statement
            if err.value.pgcode == "55000":  # views are not updatable: still refused
                assert "view" in str(err.value)
    assert _counts(db_cursor) == before
    assert _relations(db_cursor, ("r", "v", "i", "S")) == relations_before
    db_cursor.execute("SELECT count(*) FROM articles WHERE title = 'defaced'")
    assert db_cursor.fetchone()[0] == 0


def test_tables_and_views_created_later_are_readable(analyst, db_cursor):
    """ALTER DEFAULT PRIVILEGES: what a later migration creates is readable without another GRANT."""
    conn, _ = analyst
    table, view = f"later_{uuid.uuid4().hex[:6]}", f"later_view_{uuid.uuid4().hex[:6]}"
    db_cursor.execute(sql.SQL("CREATE TABLE {} (id int)").format(sql.Identifier(table)))
    try:
        db_cursor.execute(sql.SQL("INSERT INTO {} VALUES (1), (2)").format(sql.Identifier(table)))
        db_cursor.execute(
            sql.SQL("CREATE VIEW {} AS SELECT count(*) AS n FROM {}").format(
                sql.Identifier(view), sql.Identifier(table)
            )
        )
        with conn.cursor() as cur:
            cur.execute(sql.SQL("SELECT n FROM {}").format(sql.Identifier(view)))
            assert cur.fetchone()[0] == 2
            assert _count(cur, table) == 2
            with pytest.raises(errors.InsufficientPrivilege):
                cur.execute(sql.SQL("INSERT INTO {} VALUES (3)").format(sql.Identifier(table)))
    finally:
        db_cursor.execute(sql.SQL("DROP VIEW IF EXISTS {}").format(sql.Identifier(view)))
        db_cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))


def test_member_can_search(analyst, clean_db):
    """`chainwatch search` works with the analyst's read-only login (it runs a READ ONLY transaction)."""
    from chainwatch.search import search

    _, name = analyst
    hits = search("洗钱", database_url=_url_as(clean_db, name))
    assert [h.lang for h in hits] == ["zh"] and hits[0].labels == ["money_laundering"]


# -- issue 17, item 2: an analyst can neither block nor slow a writer ------------------------------
# The locks the pipeline used to take (any role may call pg_advisory_lock()), and a crawl's run key.
OLD_PIPELINE_LOCKS = (
    "SELECT pg_advisory_lock(7263001)",
    "SELECT pg_advisory_lock(7263002)",
    "SELECT pg_advisory_lock(7263003, hashtext('reader-test/held'))",
)
WRITER_DEADLINE_S = 60


def _in_thread(fn):
    """Run fn in a thread: (thread, result dict); a writer that hangs shows as a thread still alive."""
    import threading

    result: dict = {}

    def run():
        try:
            result["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def test_member_holding_locks_and_an_open_transaction_cannot_stall_the_pipeline(analyst, clean_db, tmp_path):
    from chainwatch import db
    from chainwatch.replay import ReplayServer
    from chainwatch.runners.crawl import crawl
    from tests.faults.conftest import news_site, write_site
    from tests.spiders.crawl_helpers import ad_hoc_source

    conn, _ = analyst
    conn.autocommit = False
    with conn.cursor() as cur:
        for statement in OLD_PIPELINE_LOCKS:
            cur.execute(statement)
        for refused in (
            "SELECT name FROM pipeline_locks FOR UPDATE",
            "LOCK TABLE schema_migrations IN SHARE ROW EXCLUSIVE MODE",
            "SELECT id FROM crawl_runs FOR KEY SHARE",
        ):
            cur.execute("SAVEPOINT s")
            with pytest.raises(errors.InsufficientPrivilege):
                cur.execute(refused)
            cur.execute("ROLLBACK TO SAVEPOINT s")
        # an open read transaction on every table the writers touch
        cur.execute("SELECT count(*) FROM schema_migrations, pipeline_locks")
        cur.execute("SELECT count(*) FROM articles")
        cur.execute("SELECT count(*) FROM crawl_runs")
        site = write_site(tmp_path / "site", news_site("held.example", 3))
        with ReplayServer(site) as server:
            source = ad_hoc_source("held", "held.example", ["https://held.example/feed.xml"])
            upgrade, upgraded = _in_thread(lambda: db.upgrade(clean_db))
            crawling, crawled = _in_thread(
                lambda: crawl([source], run_id="reader-test", database_url=clean_db, replay_proxy=server.proxy_url)
            )
            upgrade.join(WRITER_DEADLINE_S)
            crawling.join(WRITER_DEADLINE_S)
        assert not upgrade.is_alive() and not crawling.is_alive(), "a writer waited on the analyst's session"
    conn.rollback()
    assert upgraded == {"value": []}
    assert "error" not in crawled and crawled["value"].per_source["held"]["items_stored"] == 3


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TEMP TABLE analyst_scratch (id int)",
        "CREATE FUNCTION pg_temp.analyst_fn() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    ],
)
def test_member_cannot_create_temporary_objects(analyst, statement):
    conn, _ = analyst
    with conn.cursor() as cur, pytest.raises(errors.InsufficientPrivilege):
        cur.execute(statement)
