"""Escaping rules of the renderers: scraped text can never become markup or a live link."""

from datetime import UTC, datetime

import pytest

from chainwatch import taxonomy
from chainwatch.digests import summary
from chainwatch.digests.model import Digest, NewSource, SourceWeek, Story, StoryLink, WeekTotals
from chainwatch.digests.render import md_escape, md_link, render_html, render_markdown, safe_href
from chainwatch.digests.weeks import IsoWeek
from tests.digests.htmlscan import Page

SCRIPT = "<script>document.title='pwned'</script>"
IMG = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "//evil.example/x",
        "/relative",
        "https://",
        "https://ok.example/a b",
        "http://ok.example/\x00",
        None,
        42,
    ],
)
def test_safe_href_rejects_everything_but_absolute_http_urls(url):
    assert safe_href(url) is None


@pytest.mark.parametrize("url", ["https://ok.example/a?b=1&c=2", "HTTP://OK.example/x", "https://例子.example/新闻"])
def test_safe_href_keeps_http_urls(url):
    assert safe_href(url) == url


def test_md_escape_neutralises_markdown_and_html():
    text = md_escape(f"{SCRIPT} *bold* [x](javascript:y) | cell\nnext")
    assert "<" not in text and ">" not in text
    assert "\\*bold\\*" in text and "\\[x\\]" in text and "\\|" in text and "\n" not in text


def test_md_link_only_links_http_urls():
    assert md_link("T (1)", "https://a.example/x_(y)") == "[T (1)](https://a.example/x_%28y%29)"
    plain = md_link("Title", "javascript:alert(1)")
    assert "](" not in plain and plain.startswith("Title (javascript:")


def _digest() -> Digest:
    week = IsoWeek(2026, 47)
    labels = taxonomy.load()
    lid = labels[0].id
    counts = {(week.monday, lid): 3}
    links = (
        StoryLink(1, "a", f"Src {IMG}", "t", "https://a.example/1", None),
        StoryLink(2, "b", "B", "t", "javascript:document.title='pwned-link'", None),
    )
    story = Story(
        story_id=1,
        label=lid,
        rank=1,
        score=0.9,
        items=2,
        sources=2,
        title=f"{SCRIPT}Hack",
        url="javascript:alert(2)",
        evidence=f"Evidence {IMG}",
        links=links,
    )
    return Digest(
        week=week,
        generated_at=datetime(2026, 11, 25, tzinfo=UTC),
        trend_weeks=week.window(12),
        totals=WeekTotals(items=3, stories=1, sources=2, labelled=3),
        previous_items=0,
        items_trend=(0,) * 11 + (3,),
        labels=summary.label_weeks(labels, week.window(12), counts, {lid: 1}, (1,) * 12),
        stories={lid: [story]},
        new_sources=[NewSource("b", f"New {SCRIPT}", 1, "First", "javascript:x")],
        source_health=[SourceWeek("a", f"Src {IMG}", 1, 0, 1, 1, 0, 0, ((f"{IMG}", 1),), 1, "ok")],
        summary=[f"Top story: {SCRIPT}"],
    )


def test_html_keeps_payloads_as_text():
    html = render_html(_digest(), {"risk": "data:image/png;base64,AAAA", "policy": "data:image/png;base64,AAAA"})
    page = Page(html)
    assert page.tags("script") == []
    assert page.event_handlers == []
    assert len(page.tags("img")) == 2  # only the two charts
    assert all(h.startswith("https://") for h in page.hrefs) and "https://a.example/1" in page.hrefs
    assert SCRIPT in page.text and f"Evidence {IMG}" in page.text  # visible as text
    assert "javascript:document.title='pwned-link'" in page.text  # shown, not linked


def test_markdown_keeps_payloads_as_text():
    md = render_markdown(_digest())
    assert "<script" not in md and "<img" not in md
    assert "&lt;script&gt;" in md
    assert "](javascript:" not in md and "](https://a.example/1)" in md


def test_counts_of_one_are_singular():
    """Issue 17, item 9: the demo digest said "1 items"."""
    import dataclasses
    import re

    one = dataclasses.replace(_digest(), totals=WeekTotals(items=1, stories=1, sources=1, labelled=1))
    html = Page(render_html(one, {"risk": "data:image/png;base64,AAAA", "policy": "data:image/png;base64,AAAA"})).text
    md = render_markdown(one)
    for text in (html, md):
        assert not re.search(r"\b1\**\s+(items|stories|sources)\b", text), text
    assert re.search(r"\b1\**\s+item\b", md) and re.search(r"\b1\**\s+story\b", md)
    many = dataclasses.replace(_digest(), totals=WeekTotals(items=2, stories=2, sources=2, labelled=2))
    assert re.search(r"\b2\**\s+items\b.*\b2\**\s+stories\b", render_markdown(many))
