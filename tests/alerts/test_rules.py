"""`alerts add` rejects bad input with a clear message; `alerts test` lists what a rule matches."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import psycopg2
import pytest

from chainwatch.alerts import manage
from chainwatch.alerts.rules import AlertRuleError, parse_amount, parse_since
from chainwatch.storage.alerts import RuleRow
from tests.alerts.conftest import HACKS, free_port, seed


@pytest.fixture()
def seeded(clean_db):
    conn = psycopg2.connect(clean_db)
    with conn, conn.cursor() as cur:
        cur.execute("DELETE FROM alert_rules")
    conn.close()
    return clean_db, seed(clean_db)


HACK_RULE = RuleRow(name="big-hacks", label="security_breach", min_score=0.8, min_amount_usd=Decimal(1_000_000))


def test_rule_for_big_hacks_lists_each_hack_story_once(seeded):
    url, ids = seeded
    manage.add_rule(HACK_RULE, database_url=url)
    result = manage.test_rule("big-hacks", datetime(2022, 6, 1, tzinfo=UTC), database_url=url)
    titles = [m.title for m in result.matches]
    assert titles == [HACKS[0][0], HACKS[1][0], HACKS[2][0]]  # not the $50,000 one, not the SEC suit; one per story
    assert all(m.max_amount_usd >= 1_000_000 for m in result.matches)
    # the date shown is the publisher's own day, else the UTC day
    assert [str(m.published_day) for m in result.matches] == ["2022-06-19", "2022-06-21", "2022-06-22"]


def test_since_limits_by_publication_date(seeded):
    url, _ = seeded
    manage.add_rule(HACK_RULE, database_url=url)
    assert [
        m.title for m in manage.test_rule("big-hacks", datetime(2022, 6, 22, tzinfo=UTC), database_url=url).matches
    ] == [HACKS[2][0], HACKS[0][0] + " (update 0)"]  # a later copy stands for its story in the window


def test_query_entities_languages_and_official_filters(seeded):
    url, _ = seeded
    manage.add_rule(RuleRow(name="zh-hacks", query="被盗", langs=("zh",)), database_url=url)
    manage.add_rule(RuleRow(name="binance-official", entities=("币安",), category="official"), database_url=url)
    since = datetime(2022, 1, 1, tzinfo=UTC)
    assert [m.title for m in manage.test_rule("zh-hacks", since, database_url=url).matches] == [HACKS[2][0]]
    assert [m.title for m in manage.test_rule("binance-official", since, database_url=url).matches] == [HACKS[4][0]]


@pytest.mark.parametrize(
    "rule, message",
    [
        (RuleRow(name="x", label="hacks"), r"unknown label 'hacks'; valid labels: .*security_breach"),
        (RuleRow(name="x", query="the and of"), r"has no searchable words"),
        (RuleRow(name="x", query="   "), r"--query is empty"),
        (RuleRow(name="x", entities=("Nonexistent Exchange Co",)), r"unknown entity 'Nonexistent Exchange Co'"),
        (RuleRow(name="x", label="security_breach", sources=("nowhere",)), r"unknown source 'nowhere'"),
        (RuleRow(name="x", label="security_breach", langs=("fr",)), r"unknown language 'fr'"),
        (RuleRow(name="x", label="security_breach", emails=("not-an-address",)), r"invalid email address"),
        (RuleRow(name="x", label="security_breach", webhook_url="ftp://example.org/x"), r"invalid webhook URL"),
        (RuleRow(name="Bad Name", label="security_breach"), r"invalid rule name"),
        (RuleRow(name="x", min_score=1.5, label="security_breach"), r"between 0 and 1"),
        (RuleRow(name="x", langs=("en",)), r"needs at least one of --label, --query, --entity or --min-amount"),
    ],
)
def test_bad_rules_are_rejected_with_a_clear_message(seeded, rule, message):
    url, _ = seeded
    with pytest.raises(AlertRuleError, match=message):
        manage.add_rule(rule, database_url=url)


def test_unreachable_webhook_is_rejected_and_nothing_is_stored(seeded, webhook_secret):
    url, _ = seeded
    dead = f"http://127.0.0.1:{free_port()}/hook"
    with pytest.raises(AlertRuleError, match=r"webhook unreachable: cannot reach"):
        manage.add_rule(RuleRow(name="hook", label="security_breach", webhook_url=dead), database_url=url)
    with pytest.raises(AlertRuleError, match="no rule named 'hook'"):
        manage.test_rule("hook", datetime(2022, 1, 1, tzinfo=UTC), database_url=url)


def test_webhook_receiver_must_answer_the_signed_ping(seeded, webhook_secret, receiver):
    url, _ = seeded
    receiver.statuses = [403]
    with pytest.raises(AlertRuleError, match=r"webhook unreachable: HTTP 403"):
        manage.add_rule(RuleRow(name="hook", label="security_breach", webhook_url=receiver.url), database_url=url)
    manage.add_rule(RuleRow(name="hook", label="security_breach", webhook_url=receiver.url), database_url=url)
    assert [r["headers"]["X-ChainWatch-Delivery"] for r in receiver.requests] == ["ping", "ping"]


def test_duplicate_names_are_rejected(seeded):
    url, _ = seeded
    manage.add_rule(HACK_RULE, database_url=url)
    with pytest.raises(AlertRuleError, match="a rule named 'big-hacks' exists"):
        manage.add_rule(HACK_RULE, database_url=url)


@pytest.mark.parametrize(
    "text, value", [("1M", 1_000_000), ("$1,000,000", 1_000_000), ("2.5bn", 2_500_000_000), ("250k", 250_000)]
)
def test_amounts(text, value):
    assert parse_amount(text) == value


def test_bad_amount_and_since():
    with pytest.raises(AlertRuleError, match="invalid amount"):
        parse_amount("lots")
    with pytest.raises(AlertRuleError, match="invalid --since"):
        parse_since("yesterday")
    now = datetime(2026, 1, 8, tzinfo=UTC)
    assert parse_since("7d", now=now) == datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_since("2022-04-25") == datetime(2022, 4, 25, tzinfo=UTC)
