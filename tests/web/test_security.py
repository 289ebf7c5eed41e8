"""Who may read: a token off loopback (refused without one), bearer for the API, login for the pages;
the database role the app reads as."""

from __future__ import annotations

import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg2
import pytest
from psycopg2 import errors, sql

from chainwatch import db
from tests.web.conftest import ROOT, TOKEN, Server


def test_refuses_a_public_address_without_a_token(db_url):
    proc = subprocess.run(
        [sys.executable, "-m", "chainwatch.cli", "serve", "--host", "0.0.0.0", "--port", "8765"],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "CHAINWATCH_API_TOKEN" in proc.stderr and "Traceback" not in proc.stderr


def test_api_wants_the_bearer_token(locked_server):
    url = f"{locked_server.base}/api/v1/articles"
    missing = httpx.get(url)
    assert missing.status_code == 401 and missing.json()["error"]["message"]
    assert missing.headers["www-authenticate"] == "Bearer"
    assert httpx.get(url, headers={"Authorization": "Bearer wrong-token-wrong-token"}).status_code == 401
    assert httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert httpx.get(f"{locked_server.base}/api/v1/openapi.json").status_code == 401


def test_pages_want_a_login(locked_server):
    with httpx.Client(base_url=locked_server.base) as browser:
        first = browser.get("/search?q=bitcoin", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"].startswith("/login?next=")
        wrong = browser.post("/login", data={"token": "nope", "next": "/search?q=bitcoin"})
        assert wrong.status_code == 401 and "not right" in wrong.text
        ok = browser.post("/login", data={"token": TOKEN, "next": "/search?q=bitcoin"}, follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"] == "/search?q=bitcoin"
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and TOKEN not in ok.headers["set-cookie"]
        assert browser.get("/search?q=bitcoin").status_code == 200
        assert browser.get("/api/v1/sources").status_code == 200  # the docs page calls the API with the cookie
        browser.post("/logout")
        assert browser.get("/sources", follow_redirects=False).status_code == 303


def test_login_goes_back_only_to_this_site(locked_server):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = httpx.post(f"{locked_server.base}/login", data={"token": TOKEN, "next": target})
        assert response.status_code == 303 and response.headers["location"] == "/"


def test_the_app_reads_as_the_reader_role(db_url):
    conn = psycopg2.connect(db.reader_url(db_url))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_user")
            assert cur.fetchone()[0] == "chainwatch_reader"
            with pytest.raises((errors.ReadOnlySqlTransaction, errors.InsufficientPrivilege)):
                cur.execute("DELETE FROM articles")
    finally:
        conn.close()


@pytest.fixture()
def analyst_url(db_url, db_cursor):
    """A LOGIN role whose only rights are chainwatch_reader's."""
    name = f"cw_web_{uuid.uuid4().hex[:8]}"
    db_cursor.execute(sql.SQL("CREATE ROLE {} LOGIN IN ROLE chainwatch_reader").format(sql.Identifier(name)))
    parts = urlsplit(db_url)
    yield urlunsplit(parts._replace(netloc=f"{name}@{parts.hostname}:{parts.port}"))
    db_cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
    db_cursor.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_every_page_works_with_reader_rights_only(web_db, analyst_url):
    srv = Server(analyst_url).wait()
    try:
        for path in (
            "/",
            "/search?q=stablecoin",
            f"/articles/{web_db.official_article}",
            "/labels/crypto_scam",
            "/digests",
            f"/digests/{web_db.week}",
            "/sources",
            "/api/v1/articles?label=crypto_scam",
        ):
            assert httpx.get(srv.base + path, timeout=60).status_code == 200, path
    finally:
        srv.stop()


def test_wrong_tokens_are_throttled_per_address(web_db, db_url):
    """10 wrong tokens (login or bearer) within 5 minutes: then 429 with Retry-After for every try from
    that address, the right token included, while a request that guesses nothing is still a plain 401."""
    srv = Server(db_url, token=TOKEN).wait()  # its own server: the shared one keeps its budget
    try:
        with httpx.Client(base_url=srv.base) as client:
            for i in range(9):
                assert client.post("/login", data={"token": f"wrong-{i}"}).status_code == 401
            api = client.get("/api/v1/sources", headers={"Authorization": "Bearer wrong-token-wrong-token"})
            assert api.status_code == 401  # the tenth failure
            for attempt in (
                lambda: client.post("/login", data={"token": TOKEN}),
                lambda: client.get("/api/v1/sources", headers={"Authorization": f"Bearer {TOKEN}"}),
            ):
                blocked = attempt()
                assert blocked.status_code == 429
                assert 1 <= int(blocked.headers["retry-after"]) <= 300
                assert "too many wrong tokens" in blocked.text.lower()
            assert client.get("/api/v1/sources").status_code == 401  # no token: nothing guessed
            assert client.get("/login").status_code == 200
    finally:
        srv.stop()
