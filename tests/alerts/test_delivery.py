"""Evaluation and delivery: once per story, a real SMTP server and HTTP receiver, HMAC signatures,
flood bound, retries with backoff, undeliverable messages kept, and no duplicate after a re-run."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
from decimal import Decimal

import psycopg2
import pytest

from chainwatch.alerts import manage
from chainwatch.alerts.deliver import deliver_due
from chainwatch.alerts.evaluate import evaluate_rules
from chainwatch.storage.alerts import RuleRow
from tests import factories
from tests.alerts.conftest import HACKS, SECRET, seed


@pytest.fixture()
def seeded(clean_db):
    conn = psycopg2.connect(clean_db)
    with conn, conn.cursor() as cur:
        cur.execute("DELETE FROM alert_rules")
    conn.close()
    return clean_db


def add(url, **kw):
    rule = RuleRow(
        **{
            "name": "big-hacks",
            "label": "security_breach",
            "min_score": 0.8,
            "min_amount_usd": Decimal(1_000_000),
            **kw,
        }
    )
    return manage.add_rule(rule, database_url=url)


def _query(url, statement, params=()):
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def test_rule_fires_once_per_story_by_email_and_webhook(seeded, smtp_server, receiver, webhook_secret):
    inbox, smtp = smtp_server
    add(seeded, emails=("analyst@example.org",), webhook_url=receiver.url)  # pings the receiver
    seed(seeded)  # stored after the rule exists: new articles
    summary = evaluate_rules(database_url=seeded)
    assert (summary.events, summary.single, summary.batched) == (3, 3, 0)
    sent = deliver_due(database_url=seeded, smtp=smtp)
    assert (sent.sent, sent.failed, sent.dead) == (6, 0, 0)

    # Email: one message per story, text and HTML, nothing scraped in the headers.
    assert len(inbox.envelopes) == 3
    msg = email.message_from_bytes(inbox.envelopes[0].content, policy=email.policy.default)
    assert msg["Subject"] == "ChainWatch alert big-hacks: 1 story"
    assert inbox.envelopes[0].rcpt_tos == ["analyst@example.org"]
    text = msg.get_body(("plain",)).get_content()
    assert HACKS[0][0] in text and HACKS[0][1] in text  # the title and the evidence sentence
    assert "Entities: Harmony (ONE)" in text and "Amounts: $100 million" in text
    assert "Wire · 2022-06-19 (2022-06-20 00:00 UTC)" in text  # the publisher's own day first, then UTC
    assert "2022-06-19 (2022-06-20 00:00 UTC)" in msg.get_body(("html",)).get_content()

    # Webhook: signed JSON with title, source, labels + evidence, entities, amounts and link.
    alerts = [r for r in receiver.requests if r["headers"]["X-ChainWatch-Delivery"] != "ping"]
    assert len(alerts) == 3
    for r in alerts:
        h = r["headers"]
        expected = (
            "sha256="
            + hmac.new(
                SECRET.encode(), h["X-ChainWatch-Timestamp"].encode() + b"." + r["body"], hashlib.sha256
            ).hexdigest()
        )
        assert hmac.compare_digest(h["X-ChainWatch-Signature"], expected)
    stories = [json.loads(r["body"])["stories"][0] for r in alerts]
    first = stories[0]
    assert first["title"] == HACKS[0][0] and first["source"] == "wire" and first["url"].startswith("https://")
    assert (first["published_day"], first["published_at"]) == ("2022-06-19", "2022-06-20T00:00:00+00:00")
    assert first["labels"][0]["label"] == "security_breach" and first["labels"][0]["evidence"] == HACKS[0][1]
    assert {"id": "harmony", "kind": "token", "name": "Harmony (ONE)"} in first["entities"]
    assert first["amounts"][0]["currency"] == "USD" and Decimal(first["amounts"][0]["amount"]) == 100_000_000
    assert {s["title"] for s in stories} == {h[0] for h in HACKS[:3]}

    # A re-run, and a later copy of a story, fire nothing and send nothing.
    conn = psycopg2.connect(seeded)
    with conn, conn.cursor() as cur:
        copy = factories.add_article(
            cur,
            source="wire",
            title="Harmony hack: more details",
            text=HACKS[0][1] + " $100m",
            published=None,
            story_id=stories[0]["story_id"],
        )
        factories.add_labels(cur, copy, {"security_breach": 0.99})
    conn.close()
    from chainwatch.entities.pipeline import extract_pending

    extract_pending(database_url=seeded)
    assert evaluate_rules(database_url=seeded).events == 0
    assert deliver_due(database_url=seeded, smtp=smtp).sent == 0
    assert len(inbox.envelopes) == 3 and len(receiver.alerts()) == 3


def test_articles_stored_before_the_rule_do_not_fire(seeded, smtp_server):
    inbox, smtp = smtp_server
    seed(seeded)
    _query(seeded, "UPDATE articles SET created_at = now() - interval '1 day'")
    add(seeded, emails=("analyst@example.org",))
    assert evaluate_rules(database_url=seeded).events == 0


def test_flood_is_bounded_then_one_batched_message(seeded, smtp_server):
    inbox, smtp = smtp_server
    add(seeded, emails=("analyst@example.org",), max_per_hour=1)
    seed(seeded)
    summary = evaluate_rules(database_url=seeded)
    assert (summary.single, summary.batched) == (1, 2)
    assert deliver_due(database_url=seeded, smtp=smtp).sent == 2
    subjects = sorted(
        email.message_from_bytes(e.content, policy=email.policy.default)["Subject"] for e in inbox.envelopes
    )
    assert subjects == ["ChainWatch alert big-hacks: 1 story", "ChainWatch alert big-hacks: 2 stories"]
    # More matches within the hour go into a new batch, due an hour after the last one.
    conn = psycopg2.connect(seeded)
    with conn, conn.cursor() as cur:
        art = factories.add_article(
            cur,
            source="wire",
            title="Another bridge drained of $20 million",
            text="Attackers took $20 million.",
            published=None,
        )
        factories.add_labels(cur, art, {"security_breach": 0.9})
    conn.close()
    from chainwatch.entities.pipeline import extract_pending

    extract_pending(database_url=seeded)
    assert evaluate_rules(database_url=seeded).batched == 1
    assert deliver_due(database_url=seeded, smtp=smtp).sent == 0  # held until the hour is over
    due = _query(
        seeded,
        "SELECT next_attempt_at - now() > interval '50 minutes' FROM alert_outbox"
        " WHERE status = 'pending' AND kind = 'batch'",
    )
    assert due == [(True,)]


def test_webhook_retries_with_backoff_then_keeps_the_undeliverable(seeded, smtp_server, receiver, webhook_secret):
    inbox, smtp = smtp_server
    add(seeded, emails=("analyst@example.org",), webhook_url=receiver.url)
    seed(seeded)
    evaluate_rules(database_url=seeded)
    receiver.statuses = [500, 503]  # the first two attempts fail, then the receiver recovers
    first = deliver_due(database_url=seeded, smtp=smtp, backoff_s=3600)
    assert (first.sent, first.failed) == (4, 2)  # email is not held up by the failing webhook
    assert len(inbox.envelopes) == 3
    waits = _query(
        seeded,
        "SELECT attempts, round(extract(epoch FROM next_attempt_at - now()) / 60) FROM alert_outbox"
        " WHERE status = 'pending' ORDER BY id",
    )
    assert [w[0] for w in waits] == [1, 1] and all(55 <= w[1] <= 60 for w in waits)
    _query(seeded, "UPDATE alert_outbox SET next_attempt_at = now() WHERE status = 'pending'")
    assert deliver_due(database_url=seeded, smtp=smtp, backoff_s=3600).sent == 2
    assert len(receiver.alerts()) == 5  # two refused attempts, then each message once
    assert len({a["delivery_id"] for a in receiver.alerts()}) == 3

    # A receiver that never recovers: retried, then kept as dead and visible, with the reason.
    receiver.statuses = [500] * 10
    conn = psycopg2.connect(seeded)
    with conn, conn.cursor() as cur:
        art = factories.add_article(
            cur,
            source="wire",
            title="Exchange hot wallet drained of $30 million",
            text="Attackers took $30 million.",
            published=None,
        )
        factories.add_labels(cur, art, {"security_breach": 0.9})
    conn.close()
    from chainwatch.entities.pipeline import extract_pending

    extract_pending(database_url=seeded)
    evaluate_rules(database_url=seeded)
    result = deliver_due(database_url=seeded, smtp=smtp, backoff_s=0, max_attempts=3)
    assert (result.sent, result.dead) == (1, 1)
    dead = _query(seeded, "SELECT channel, attempts, last_error FROM alert_outbox WHERE status = 'dead'")
    assert dead == [("webhook", 3, f"HTTP 500 from {receiver.url}")]
