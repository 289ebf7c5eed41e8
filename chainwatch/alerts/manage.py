"""Managing rules (`chainwatch alerts add | list | remove | test`): every check that needs the
database or the network happens here, before a rule is stored."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from datetime import datetime

from psycopg2.extensions import cursor as Cursor

from chainwatch import config, db, taxonomy
from chainwatch.alerts import webhook
from chainwatch.alerts.query import rule_tsquery
from chainwatch.alerts.rules import AlertRuleError, check_shape
from chainwatch.storage import alerts as store
from chainwatch.storage.entities import find_entities, known_entity_ids
from chainwatch.storage.labels import sync_labels


@dataclass
class TestResult:
    rule: store.RuleRow
    since: datetime
    matches: list[store.Match]  # one per story: its first copy


def _ping(url: str) -> None:
    secret = config.webhook_secret()
    if not secret:
        raise AlertRuleError("a webhook rule needs CHAINWATCH_WEBHOOK_SECRET set (the HMAC-SHA256 key)")
    body = json.dumps({"type": "chainwatch.ping", "sent_at": int(time.time())}).encode()
    try:
        webhook.post(url, body, secret=secret, delivery_id="ping")
    except webhook.WebhookError as exc:
        raise AlertRuleError(f"webhook unreachable: {exc} (the rule was not added)") from None


def _resolve_entities(cur: Cursor, names: tuple[str, ...]) -> tuple[str, ...]:
    """Entity ids for what the user typed: an id, a canonical name or an alias in either language."""
    resolved = []
    for name in names:
        if known_entity_ids(cur, [name]):
            resolved.append(name)
            continue
        found = find_entities(cur, name, limit=5)
        exact = [f for f in found if f[0] == name.lower() or f[2].lower() == name.lower()]
        if len(found) == 1 or len(exact) == 1:
            resolved.append((exact or found)[0][0])
        elif not found:
            raise AlertRuleError(
                f"unknown entity {name!r} (see `chainwatch entities list`; "
                "entities come from the gazetteer after the first classify run)"
            )
        else:
            raise AlertRuleError(f"entity {name!r} is ambiguous: " + ", ".join(f"{i} ({n})" for i, _, n in found))
    return tuple(dict.fromkeys(resolved))


def validate(cur: Cursor, rule: store.RuleRow) -> store.RuleRow:
    """The rule as it will be stored (entities resolved to ids), or AlertRuleError."""
    check_shape(rule)
    if rule.label is not None:
        sync_labels(cur, taxonomy.load())  # the taxonomy file is the source of truth (and the rule's foreign key)
        labels = store.known_labels(cur)
        if rule.label not in labels:
            raise AlertRuleError(f"unknown label {rule.label!r}; valid labels: {', '.join(sorted(labels))}")
    if rule.query is not None:
        rule_tsquery(cur, rule.query)
    unknown = sorted(set(rule.sources) - store.known_sources(cur, list(rule.sources)))
    if unknown:
        raise AlertRuleError(f"unknown source {unknown[0]!r} (see `chainwatch sources`)")
    return replace(rule, entities=_resolve_entities(cur, rule.entities))


def add_rule(rule: store.RuleRow, *, database_url: str | None = None, ping: bool = True) -> store.RuleRow:
    """Check and store a rule; a webhook must answer a signed ping with 2xx first."""
    with db.transaction(database_url) as cur:
        rule = validate(cur, rule)
        if store.get_rule(cur, rule.name) is not None:
            raise AlertRuleError(f"a rule named {rule.name!r} exists (remove it first)")
    if rule.webhook_url and ping:
        _ping(rule.webhook_url)
    with db.transaction(database_url) as cur:
        if not store.add_rule(cur, rule):
            raise AlertRuleError(f"a rule named {rule.name!r} exists (remove it first)")
        stored = store.get_rule(cur, rule.name)
    assert stored is not None  # inserted in this transaction
    return stored


def test_rule(name: str, since: datetime, *, database_url: str | None = None, limit: int = 200) -> TestResult:
    """What the rule matches among articles published since `since`, one line per story; fires nothing."""
    with db.transaction(database_url) as cur:
        rule = store.get_rule(cur, name)
        if rule is None:
            raise AlertRuleError(f"no rule named {name!r} (see `chainwatch alerts list`)")
        tsquery = rule_tsquery(cur, rule.query) if rule.query else None
        found, seen = [], set()
        for m in store.matches(cur, rule, tsquery=tsquery, published_since=since):
            if m.story_id not in seen:
                seen.add(m.story_id)
                found.append(m)
    return TestResult(rule, since, found[:limit])
