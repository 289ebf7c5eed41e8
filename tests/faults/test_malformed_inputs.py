"""The malformed-input corpus (tests/faults/malformed.py), through extraction directly and through a crawl.

230 inputs: truncated and broken XML, wrong and mixed encodings, HTML served as a feed, entity-expansion
bombs and external entities, binary data, empty bodies, structure bombs, impossible metadata, pages of
4, 6 and 50 MB. Zero crashes; every bad input is counted under an error kind and logged with its URL.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from chainwatch.contracts import Article
from spiders.canonical import canonical_url
from spiders.discovery import BadEntryPage
from spiders.discovery.feed import parse_feed
from spiders.extract import ExtractionFailure, Hints, extract
from spiders.registry import Source
from spiders.settings import DOWNLOAD_MAXSIZE
from spiders.walls import detect_wall
from tests.faults import malformed
from tests.spiders.crawl_helpers import query

NOT_HTML_TYPES = ("application/pdf", "image/", "video/", "audio/", "application/zip", "application/octet-stream")


@pytest.fixture(scope="module")
def cases():
    return malformed.corpus()


@pytest.fixture(scope="module")
def corpus_site(cases, tmp_path_factory):
    root = tmp_path_factory.mktemp("malformed-site")
    malformed.write_site(root, cases)
    return root


def read_directly(case):
    """What the crawl's own functions make of one input, called directly (no Scrapy, no server)."""
    if case.where == "feed":
        try:
            return parse_feed(case.body, case.url)
        except BadEntryPage as exc:
            return exc
    return extract(
        case.body, case.url, source=None, content_type=case.content_type, hints=Hints(title=f"Case {case.name}")
    )


def counted_kinds(case, result) -> list[str]:
    """The error_counts keys the crawl adds for this input (the spider's rules, in order)."""
    if case.where == "feed":
        if isinstance(result, BadEntryPage):
            return [result.kind]
        return [result.problem] if result.problem else []
    if case.content_type.lower().startswith(NOT_HTML_TYPES):
        return ["not_html"]  # refused by type before extraction
    if len(case.body) > DOWNLOAD_MAXSIZE:
        return ["too_large"]  # never downloaded in full
    wall = detect_wall(200, {}, case.body)
    if wall is not None:
        return [wall.kind]  # a bot wall or script-only shell is judged before extraction
    if isinstance(result, ExtractionFailure):
        return [result.kind]
    return list(result.extra.get("warnings", ()))


def test_corpus_is_big_deterministic_and_covers_every_category(cases):
    assert len(cases) >= 200
    assert {c.category for c in cases} >= {
        "truncated_xml",
        "wrong_encoding",
        "mixed_encoding",
        "html_as_feed",
        "entity_bomb",
        "binary",
        "empty",
        "large",
    }
    assert max(len(c.body) for c in cases) >= 50 * 1024 * 1024
    again = malformed.corpus()
    assert [(c.name, c.body) for c in again] == [(c.name, c.body) for c in cases]


def test_every_input_through_extraction_directly(cases):
    now = datetime.now(UTC)
    flagged = 0
    for case in cases:
        result = read_directly(case)  # any exception here is a crash: the test fails on it
        kinds = counted_kinds(case, result)
        flagged += bool(kinds)
        if case.where == "page":
            assert isinstance(result, (Article, ExtractionFailure)), case.name
        if case.expect == "error":
            assert isinstance(result, (ExtractionFailure, BadEntryPage)), case.name
        elif case.expect == "repaired":
            assert isinstance(result, Article) and result.extra.get("warnings"), case.name
        elif case.expect == "stored":
            assert isinstance(result, Article), case.name
        elif case.expect == "logged":
            assert kinds, case.name
        if isinstance(result, Article):  # what would be stored is storable and sane
            for value in (result.title, result.text, result.lead or ""):
                assert "\x00" not in value and len(value) < 3_000_000, case.name
            assert result.published is None or result.published <= now, case.name
            assert sum(ch.isalnum() for ch in result.text) >= 15, case.name
    assert flagged >= 200


def test_every_input_through_a_crawl(cases, corpus_site, clean_db, replay_server, capsys, caplog):
    from chainwatch.runners.crawl import crawl

    caplog.set_level(logging.DEBUG, logger="chainwatch.crawl.child")  # the child's log lines, at their levels

    expected = Counter()
    should_store = {f"https://{malformed.HOST}/ok/{i}" for i in range(10)}
    served = {str(p.relative_to(corpus_site)) for p in corpus_site.rglob("*") if p.is_file()}
    missing_links = set()  # links cut short by a truncated feed: fetched, then 404
    flagged = []
    for case in cases:
        result = read_directly(case)
        kinds = counted_kinds(case, result)
        expected.update(kinds)
        if kinds:
            flagged.append(case)
        for link in getattr(result, "links", ()):
            parts = urlsplit(link.url)
            path = f"{parts.hostname}{parts.path}" + ("index.html" if parts.path.endswith("/") else "")
            if parts.hostname == malformed.HOST and path not in served:
                missing_links.add(canonical_url(link.url))
        if (
            case.where == "page"
            and isinstance(result, Article)
            and not kinds[:1] == ["not_html"]
            and "too_large" not in kinds
        ):
            should_store.add(case.url)
    expected.update({"http_404": len(missing_links)} if missing_links else {})
    srv = replay_server(corpus_site)
    source = Source.from_dict(malformed.source_dict())

    summary = crawl(
        [source],
        replay_proxy=srv.proxy_url,
        settings={"RETRY_TIMES": 0, "DOWNLOAD_TIMEOUT": 20, "CHAINWATCH_BATCH_SIZE": 25},
    )
    log = capsys.readouterr().err + caplog.text

    row = summary.per_source["malformed"]
    assert row["finished_at"] is not None and row["status"] in ("ok", "degraded")
    assert "spider_exception" not in row["error_counts"] and "db_error" not in row["error_counts"]
    unexpected = set(row["error_counts"]) - set(expected)
    assert row["error_counts"] == dict(expected), (
        row["error_counts"],
        row["note"],
        [ln for ln in log.splitlines() if any(f": {k}: " in ln for k in unexpected)],
    )
    assert row["errors"] == sum(expected.values()) >= 200
    every_case = {c.path for c in cases}
    assert every_case <= set(srv.hits)  # every input was really served
    stored = {u for (u,) in query(clean_db, "SELECT url FROM articles")}
    assert stored == should_store
    unlogged = [c.name for c in flagged if c.url not in log]
    assert not unlogged, f"bad inputs with no log line: {unlogged[:10]}"
