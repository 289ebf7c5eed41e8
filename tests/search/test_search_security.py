"""Hostile input in every search argument changes nothing and ends in a result or a clear error."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg2 import sql

from chainwatch.errors import ChainWatchError
from chainwatch.search import SearchHit, search
from tests.storage.seed import seed

PAYLOADS = [
    "'; DROP TABLE articles; --",
    "\" OR 1=1 --",
    "' OR '1'='1",
    "1); DELETE FROM sources; --",
    "x\n; DROP TABLE articles; --",  # a line break: would end an SQL comment holding a placeholder
    "x\r\nDELETE FROM sources; --",
    "tornado'); TRUNCATE classifications CASCADE; --",
    "$$; DROP TABLE labels; $$",
    "\\",
    "\\'",
    "%",
    "_",
    "%_%",
    "*",
    "!!!",
    "&|<->:*",
    "tornado & | ! cash",
    "'tornado':* | 'cash'",
    "-",
    "\"",
    "NULL",
    "洗钱'; DROP TABLE articles; --",
    "💸🔥 ﷽ \u202etxet\u202c",
    "e\u0301\u0301\u0301",
    "\ud800",  # a lone surrogate: not encodable
    "\x00",
    "tornado\x00cash",
    "a" * 5000,
    "word " * 400,
    "中" * 3000,
]

ARGS = ["query", "label", "lang", "source", "since", "until"]


@pytest.fixture()
def seeded(clean_db, db_cursor):
    seed(db_cursor)
    return db_cursor


def _state(cur):
    cur.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') ORDER BY 1"
    )
    names = [r[0] for r in cur.fetchall()]
    counts = {}
    for name in names:
        cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name)))
        counts[name] = cur.fetchone()[0]
    cur.execute("SELECT md5(string_agg(title || source_id, ',' ORDER BY id)) FROM articles")
    return counts, cur.fetchone()[0]


def _call(arg, value):
    kwargs = {"query": "tornado"}
    kwargs[arg] = value
    query = kwargs.pop("query")
    try:
        hits = search(query, **kwargs)
    except ChainWatchError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 2000
        assert "Traceback" not in message
        return "error", message
    assert isinstance(hits, list) and all(isinstance(h, SearchHit) for h in hits)
    return "ok", hits


def test_search_sql_has_no_placeholder_in_comments():
    """psycopg2 fills placeholders inside comments too; a value with a line break would escape."""
    import re
    from pathlib import Path

    from chainwatch.search import SQL_DIR, _sql

    for path in Path(SQL_DIR).glob("*.sql"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "--" in line:
                assert not re.search(r"%\(\w+\)s", line.split("--", 1)[1]), (path.name, line)
        assert "--" not in _sql(path.stem), path.name


def test_injection_payloads_in_every_argument_change_nothing(seeded):
    before = _state(seeded)
    outcomes = {}
    for arg in ARGS:
        for payload in PAYLOADS:
            outcomes[arg, payload] = _call(arg, payload)
    assert _state(seeded) == before
    # filters never match a payload: each one is refused with a reason
    for arg in ("label", "lang", "source", "since", "until"):
        for payload in PAYLOADS:
            kind, message = outcomes[arg, payload]
            if payload.strip() == "" and arg in ("since", "until"):
                continue
            assert kind == "error", (arg, payload)
    assert outcomes["label", "'; DROP TABLE articles; --"][1].startswith("unknown label")
    assert outcomes["source", "\" OR 1=1 --"][1].startswith("unknown source")
    assert outcomes["lang", "' OR '1'='1"][1].startswith("invalid language code")
    assert outcomes["since", "'; DROP TABLE articles; --"][1].startswith("invalid date")
    # NUL bytes (psycopg2 would raise ValueError) and unencodable text are clean errors
    assert "NUL byte" in outcomes["query", "tornado\x00cash"][1]
    assert "NUL byte" in outcomes["source", "\x00"][1]
    assert outcomes["query", "\ud800"][0] == "error"
    assert "too long" in outcomes["query", "a" * 5000][1]
    # a payload as a query is just words: "OR 1=1" cannot widen the match to every article
    kind, hits = outcomes["query", "' OR '1'='1"]
    assert kind == "ok" and len(hits) < before[0]["articles"]
    kind, hits = outcomes["query", "洗钱'; DROP TABLE articles; --"]
    assert kind == "ok" and hits == []  # every word is required, and no article has them all


def test_injection_payloads_through_the_cli(seeded, monkeypatch, capsys):
    from chainwatch import cli

    before = _state(seeded)
    for option in ("--label", "--lang", "--source", "--since", "--until", None):
        for payload in ("'; DROP TABLE articles; --", "\" OR 1=1 --", "\\", "%", "_", "洗钱'--", "x" * 3000):
            args = ["search", payload] if option is None else ["search", "tornado", option, payload]
            monkeypatch.setattr(sys, "argv", ["chainwatch", *args, "--format", "json"])
            try:
                cli.main()
                code = 0
            except SystemExit as exc:
                code = exc.code or 0
            out, err = capsys.readouterr()
            if code:
                assert err.startswith("error: ") and err.count("\n") == 1, (option, payload, err)
            else:
                assert out.lstrip().startswith("["), (option, payload)
            if option is not None:
                assert code != 0, (option, payload)
    assert _state(seeded) == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(min_size=0, max_size=80), source=st.one_of(st.none(), st.text(max_size=20)))
def test_any_text_is_a_result_or_a_clear_error(seeded, query, source):
    before = _state(seeded)
    try:
        hits = search(query, source=source)
        assert isinstance(hits, list)
    except ChainWatchError as exc:
        assert str(exc) and "\n" not in str(exc)
    assert _state(seeded) == before
