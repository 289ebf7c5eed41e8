"""The Atom feed per rule: valid Atom, newest first, scraped text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import psycopg2
import pytest

from chainwatch.alerts import manage
from chainwatch.alerts.evaluate import evaluate_rules
from chainwatch.alerts.feed import ATOM, rule_feed
from chainwatch.alerts.rules import AlertRuleError
from chainwatch.storage.alerts import RuleRow
from tests import factories
from tests.alerts.conftest import HACKS, seed


def test_feed_lists_fired_stories_with_labels_and_escapes_scraped_text(clean_db):
    conn = psycopg2.connect(clean_db)
    with conn, conn.cursor() as cur:
        cur.execute("DELETE FROM alert_rules")
    conn.close()
    manage.add_rule(
        RuleRow(name="big-hacks", label="security_breach", min_score=0.8, min_amount_usd=Decimal(1_000_000)),
        database_url=clean_db,
    )
    seed(clean_db)
    conn = psycopg2.connect(clean_db)
    with conn, conn.cursor() as cur:
        art = factories.add_article(
            cur,
            source="wire",
            title="<script>alert(1)</script> \x01 bridge loses $9 million",
            text="A bridge lost $9 million.",
            published=None,
        )
        factories.add_labels(cur, art, {"security_breach": 0.9}, evidence="A bridge lost $9 million.")
    conn.close()
    from chainwatch.entities.pipeline import extract_pending

    extract_pending(database_url=clean_db)
    evaluate_rules(database_url=clean_db)

    doc = rule_feed("big-hacks", self_url="https://cw.example/alerts/big-hacks/feed.atom", database_url=clean_db)
    assert b"<script>" not in doc
    root = ET.fromstring(doc)
    ns = {"a": ATOM}
    assert root.tag == f"{{{ATOM}}}feed"
    assert root.find("a:link[@rel='self']", ns).get("href") == "https://cw.example/alerts/big-hacks/feed.atom"
    entries = root.findall("a:entry", ns)
    titles = [e.find("a:title", ns).text for e in entries]
    assert len(entries) == 4 and HACKS[0][0] in titles
    assert any(t.startswith("<script>alert(1)</script>") for t in titles)  # text, escaped in the XML
    first = next(e for e in entries if e.find("a:title", ns).text == HACKS[0][0])
    assert first.find("a:category", ns).get("term") == "security_breach"
    assert "Amounts: $100 million" in first.find("a:summary", ns).text
    with pytest.raises(AlertRuleError, match="no rule named 'nope'"):
        rule_feed("nope", self_url="x", database_url=clean_db)
