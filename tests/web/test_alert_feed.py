"""The web app serves each alert rule's Atom feed, reading as chainwatch_reader."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import psycopg2

from chainwatch.alerts import manage
from chainwatch.alerts.evaluate import evaluate_rules
from chainwatch.alerts.feed import ATOM
from chainwatch.storage.alerts import RuleRow


def test_rule_feed_is_served_and_unknown_rules_are_404(client, web_db, db_url):
    manage.add_rule(RuleRow(name="web-feed-bitcoin", query="bitcoin"), database_url=db_url)
    conn = psycopg2.connect(db_url)
    with conn, conn.cursor() as cur:  # let the rule see the articles already stored
        cur.execute("UPDATE alert_rules SET created_at = '2000-01-01' WHERE name = 'web-feed-bitcoin'")
    conn.close()
    assert evaluate_rules(database_url=db_url, rules=["web-feed-bitcoin"]).events > 0

    response = client.get("/alerts/web-feed-bitcoin/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    entries = root.findall(f"{{{ATOM}}}entry")
    assert entries and all(e.find(f"{{{ATOM}}}link").get("href").startswith("http") for e in entries)
    assert root.find(f"{{{ATOM}}}link[@rel='self']").get("href").endswith("/alerts/web-feed-bitcoin/feed.atom")

    assert client.get("/alerts/no-such-rule/feed.atom").status_code == 404
    assert client.get("/alerts/Bad%20Name/feed.atom").status_code in (404, 422)


def test_entity_api(client, web_db):
    body = client.get("/api/v1/entities/bitcoin").json()
    assert body["entity_id"] == "bitcoin" and body["articles"] and body["stories"] >= 1
    assert client.get("/api/v1/entities/比特币").json()["entity_id"] == "bitcoin"
    assert client.get("/api/v1/entities/no-such-thing-at-all").status_code == 404
    article = body["articles"][0]["article_id"]
    mentions = client.get(f"/api/v1/articles/{article}/entities").json()
    assert any(m["entity_id"] == "bitcoin" for m in mentions)
