"""chainwatch.airflow_support and chainwatch.runners.maintenance: the library code the DAGs call.

No Airflow here (the DAG runs are in test_dag_runs.py); the database is the real session one.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import psycopg2
import pytest
from psycopg2.extensions import parse_dsn

from chainwatch import airflow_support as cw
from chainwatch.errors import ChainWatchError
from chainwatch.runners import maintenance


def _conn(**kw):
    base = dict(
        conn_id="chainwatch_db",
        conn_type="postgres",
        host="db.example",
        port=5433,
        login="cw user",
        password="p@ss/w:rd?",
        schema="chain watch",
        extra_dejson={"sslmode": "require", "foo": "bar"},
    )
    return SimpleNamespace(**{**base, **kw})


def test_connection_to_url_round_trips_through_libpq():
    url = cw.connection_to_url(_conn())
    assert url == "postgresql://cw%20user:p%40ss%2Fw%3Ard%3F@db.example:5433/chain%20watch?sslmode=require"
    dsn = parse_dsn(url)
    assert (dsn["user"], dsn["password"], dsn["host"], dsn["port"], dsn["dbname"], dsn["sslmode"]) == (
        "cw user",
        "p@ss/w:rd?",
        "db.example",
        "5433",
        "chain watch",
        "require",
    )
    assert "foo" not in dsn  # only libpq parameters pass through


def test_connection_to_url_connects_to_the_real_server(db_url):
    parts = urlsplit(db_url)
    conn = _conn(
        host=parts.hostname,
        port=parts.port,
        login=parts.username,
        password=parts.password,
        schema=parts.path.lstrip("/"),
        extra_dejson={"application_name": "chainwatch-airflow"},
    )
    with psycopg2.connect(cw.connection_to_url(conn)) as pg, pg.cursor() as cur:
        cur.execute("SELECT current_database(), current_setting('application_name')")
        assert cur.fetchone() == (parts.path.lstrip("/"), "chainwatch-airflow")


def test_connection_to_a_unix_socket():
    url = cw.connection_to_url(_conn(host="/run/postgresql", port=None, password=None, extra_dejson={}))
    assert parse_dsn(url) == {"user": "cw user", "dbname": "chain watch", "host": "/run/postgresql"}


def test_connection_of_another_type_is_refused():
    with pytest.raises(ChainWatchError, match="mysql"):
        cw.connection_to_url(_conn(conn_type="mysql"))


def test_database_url_outside_a_task_falls_back_to_database_url(monkeypatch):
    # No Airflow task context in this process, and importing airflow.sdk is not needed for the fallback
    # when the library is used without Airflow: simulate that by hiding airflow.sdk.
    import sys

    monkeypatch.setitem(sys.modules, "airflow.sdk", None)
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@db.example/chainwatch")
    assert cw.database_url() == "postgresql://x@db.example/chainwatch"


@pytest.mark.parametrize(
    "moment, week",
    [
        (datetime(2026, 11, 23, 6, 0, tzinfo=UTC), "2026-W47"),  # the scheduled Monday run
        (datetime(2026, 11, 23, 0, 0, tzinfo=UTC), "2026-W47"),  # the very first instant of W48
        (datetime(2026, 11, 22, 23, 59, tzinfo=UTC), "2026-W46"),  # Sunday: W47 is not over yet
        (datetime(2026, 11, 27, 12, 0, tzinfo=UTC), "2026-W47"),  # a manual run later in the week
        (datetime(2027, 1, 4, 6, 0, tzinfo=UTC), "2026-W53"),  # across the year: 2026 has 53 weeks
        (datetime(2026, 11, 23, 1, 0, tzinfo=timezone(timedelta(hours=5))), "2026-W46"),  # = Sunday 20:00 UTC
        (datetime(2026, 11, 23, 6, 0), "2026-W47"),  # naive: taken as UTC
    ],
)
def test_last_complete_iso_week(moment, week):
    assert cw.last_complete_iso_week(moment) == week


def test_replay_proxy_precedence(monkeypatch):
    monkeypatch.delenv("CHAINWATCH_REPLAY_PROXY", raising=False)
    assert cw.replay_proxy(None) is None
    monkeypatch.setenv("CHAINWATCH_REPLAY_PROXY", "http://127.0.0.1:1111")
    assert cw.replay_proxy(None) == "http://127.0.0.1:1111"
    assert cw.replay_proxy(" http://127.0.0.1:2222 ") == "http://127.0.0.1:2222"


def test_retention_settings(monkeypatch):
    monkeypatch.delenv("CHAINWATCH_RETENTION_CRAWL_RUNS_DAYS", raising=False)
    monkeypatch.delenv("CHAINWATCH_RETENTION_ARTICLES_DAYS", raising=False)
    assert cw.retention_settings({}) == {"crawl_run_days": 90, "article_days": 0}
    monkeypatch.setenv("CHAINWATCH_RETENTION_CRAWL_RUNS_DAYS", "14")
    monkeypatch.setenv("CHAINWATCH_RETENTION_ARTICLES_DAYS", "365")
    assert cw.retention_settings({"crawl_run_retention_days": None}) == {"crawl_run_days": 14, "article_days": 365}
    assert cw.retention_settings({"crawl_run_retention_days": 0, "article_days": 3}) == {
        "crawl_run_days": 0,
        "article_days": 365,
    }


def test_health_fail_on(monkeypatch):
    monkeypatch.delenv("CHAINWATCH_HEALTH_FAIL_ON", raising=False)
    assert cw.health_fail_on(None) == ("failing", "degraded", "blocked", "js_required", "no_items")
    monkeypatch.setenv("CHAINWATCH_HEALTH_FAIL_ON", "failing, no_items")
    assert cw.health_fail_on(None) == ("failing", "no_items")
    assert cw.health_fail_on(["degraded"]) == ("degraded",)


def test_to_xcom_makes_summaries_json_friendly():
    @dataclasses.dataclass
    class Summary:
        path: Path
        at: datetime
        counts: dict
        ids: tuple

    out = cw.to_xcom(Summary(Path("/tmp/x.html"), datetime(2026, 1, 2, tzinfo=UTC), {1: date(2026, 1, 1)}, ("a", "b")))
    assert out == {
        "path": "/tmp/x.html",
        "at": "2026-01-02T00:00:00+00:00",
        "counts": {"1": "2026-01-01"},
        "ids": ["a", "b"],
    }


def test_check_crawl_raises_for_a_failed_source():
    assert cw.check_crawl({"status": "ok", "items_stored": 3}, "a") == {"status": "ok", "items_stored": 3}
    ok = {"run_id": "r", "per_source": {"a": {"status": "degraded", "note": None}}}
    assert cw.check_crawl(ok, "a") == ok
    with pytest.raises(ChainWatchError, match="'a' failed: feed returned 404"):
        cw.check_crawl({"run_id": "r", "per_source": {"a": {"status": "failed", "note": "feed returned 404"}}}, "a")


# -- maintenance, against the real database ----------------------------------------------------


def _source(cur, sid, enabled=True):
    cur.execute(
        "INSERT INTO sources (id, name, domain, lang, kind, enabled) VALUES (%s, %s, %s, 'en', 'feed', %s)",
        (sid, sid.title(), f"{sid}.example", enabled),
    )


def _run(cur, sid, run_id, days_ago, status="ok", pages=5, stored=3, errors=0):
    cur.execute(
        "INSERT INTO crawl_runs (run_id, source_id, started_at, finished_at, status, pages_fetched, items_stored,"
        " errors) VALUES (%s, %s, now() - make_interval(days => %s), now() - make_interval(days => %s), %s, %s, %s, %s)",
        (run_id, sid, days_ago, days_ago, status, pages, stored, errors),
    )


def _article(cur, sid, n, days_ago):
    cur.execute(
        "INSERT INTO articles (url, canonical_url, source_id, title, text, published_at, content_hash)"
        " VALUES (%s, %s, %s, %s, 'text', now() - make_interval(days => %s), %s) RETURNING id",
        (f"https://{sid}.example/{n}", f"https://{sid}.example/{n}", sid, f"Title {n}", days_ago, f"h{n}"),
    )
    return cur.fetchone()[0]


def test_retention_deletes_old_crawl_runs_but_keeps_articles_and_latest_runs(clean_db, db_cursor):
    _source(db_cursor, "alpha")
    _source(db_cursor, "beta")
    _run(db_cursor, "alpha", "r-old-1", 400)
    _run(db_cursor, "alpha", "r-old-2", 100)
    _run(db_cursor, "alpha", "r-new", 1)
    _run(db_cursor, "beta", "r-beta-only", 200)  # beta's latest run: kept whatever its age
    old_article = _article(db_cursor, "alpha", 1, 1000)

    out = maintenance.apply_retention(clean_db, crawl_run_days=30)
    assert out["deleted"] == {"crawl_runs": 2, "articles": 0}
    db_cursor.execute("SELECT run_id FROM crawl_runs ORDER BY run_id")
    assert [r[0] for r in db_cursor.fetchall()] == ["r-beta-only", "r-new"]
    db_cursor.execute("SELECT id FROM articles")
    assert db_cursor.fetchall() == [(old_article,)]

    out = maintenance.apply_retention(clean_db, crawl_run_days=0, article_days=365)
    assert out["deleted"] == {"crawl_runs": 0, "articles": 1}
    with pytest.raises(ChainWatchError):
        maintenance.apply_retention(clean_db, crawl_run_days=-1)


def test_source_health_alert_emails_and_fails(clean_db, db_cursor, smtp_sink, monkeypatch):
    _source(db_cursor, "alpha")
    _source(db_cursor, "beta")
    _source(db_cursor, "gamma", enabled=False)
    _run(db_cursor, "alpha", "r1", 0, status="failed", pages=1, stored=0, errors=1)
    _run(db_cursor, "beta", "r1", 0)
    _run(db_cursor, "gamma", "r1", 0, status="failed")  # disabled: not alerted
    for k, v in smtp_sink.env.items():
        monkeypatch.setenv(k, v)
    smtp_sink.messages.clear()

    with pytest.raises(maintenance.SourcesUnhealthy, match=r"1 source\(s\) unhealthy: alpha \(failing\)"):
        maintenance.check_source_health(clean_db)
    (msg,) = smtp_sink.messages
    assert "alpha (failing)" in msg["Subject"] and msg["To"] == "analysts@example.org"
    body = msg.get_content()
    assert "alpha" in body and "beta" in body and "gamma" not in body

    # Healthy once alpha's latest run is fine; no email then.
    _run(db_cursor, "alpha", "r2", 0)
    db_cursor.execute("UPDATE crawl_runs SET started_at = now() WHERE run_id = 'r2'")
    summary = maintenance.check_source_health(clean_db)
    assert summary["unhealthy"] == [] and summary["health"] == {"alpha": "ok", "beta": "ok"}
    assert len(smtp_sink.messages) == 1


def test_source_health_without_smtp_still_fails(clean_db, db_cursor, monkeypatch):
    monkeypatch.delenv("SMTP_HOST", raising=False)
    _source(db_cursor, "alpha")
    _run(db_cursor, "alpha", "r1", 0, pages=10, errors=9)  # degraded
    with pytest.raises(maintenance.SourcesUnhealthy, match="alpha \\(degraded\\)"):
        maintenance.check_source_health(clean_db)
    assert maintenance.check_source_health(clean_db, fail_on=("failing",))["health"] == {"alpha": "degraded"}


def test_reclassify_only_when_the_model_changed(clean_db, db_cursor):
    assert maintenance.latest_model_version(clean_db) is None
    out = maintenance.reclassify_if_model_changed(clean_db, current_version="m-2")
    assert out["action"] == "none" and out["reason"] == "nothing classified yet"

    db_cursor.execute(
        "INSERT INTO model_versions (version, encoder, created_at) VALUES"
        " ('m-1', 'e5', now() - interval '2 days'), ('m-0', 'e5', now() - interval '9 days')"
    )
    assert maintenance.latest_model_version(clean_db) == "m-1"
    _source(db_cursor, "alpha")
    art = _article(db_cursor, "alpha", 1, 1)
    db_cursor.execute(
        "INSERT INTO classified_articles (article_id, model_version, status) VALUES (%s, 'm-2', 'ok')", (art,)
    )
    assert maintenance.latest_model_version(clean_db) == "m-2"  # what classified last wins
    out = maintenance.reclassify_if_model_changed(clean_db, current_version="m-2")
    assert out == {"action": "none", "reason": "model unchanged", "current": "m-2", "latest": "m-2"}
