"""Evaluate the saved rules after a classify run: each rule fires once per story, and the events
and their outbox messages are written in one transaction per rule (the transactional outbox), so
a crash or a re-run never fires twice. Floods are bounded: a rule sends at most `max_per_hour`
single messages in any hour; further events of that hour go into one batched message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from psycopg2.extensions import cursor as Cursor

from chainwatch import db
from chainwatch.alerts.query import rule_tsquery
from chainwatch.storage import alerts as store

log = logging.getLogger(__name__)


@dataclass
class EvaluationSummary:
    rules: int = 0
    events: int = 0  # stories a rule fired for in this run
    single: int = 0  # of which sent as their own message
    batched: int = 0  # of which held for the rule's hourly batch
    per_rule: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        return (
            f"alerts: {self.rules} rules evaluated, {self.events} new stories "
            f"({self.single} single, {self.batched} batched)"
        )


def _channels(rule: store.RuleRow) -> list[tuple[str, str]]:
    return [("email", address) for address in rule.emails] + (
        [("webhook", rule.webhook_url)] if rule.webhook_url else []
    )


def evaluate_rule(cur: Cursor, rule: store.RuleRow) -> tuple[int, int]:
    """Fire `rule` for the stories it has not fired for; returns (single, batched) event counts.
    Runs in the caller's transaction with the rule row locked, so two evaluators serialise."""
    locked = store.get_rule(cur, rule.name, lock=True)
    if locked is None or locked.id is None or not locked.enabled:
        return 0, 0
    rule_id = locked.id
    tsquery = rule_tsquery(cur, locked.query) if locked.query else None
    room = max(0, locked.max_per_hour - store.singles_in_last_hour(cur, rule_id))
    single: list[int] = []
    batched: list[int] = []
    seen_stories: set[int] = set()
    for m in store.matches(cur, locked, tsquery=tsquery, stored_since=locked.created_at):
        if m.story_id in seen_stories:
            continue  # a later copy of a story this run already handled
        seen_stories.add(m.story_id)
        delivery = "single" if len(single) < room else "batched"
        event_id = store.insert_event(cur, rule_id, m.story_id, m.article_id, delivery)
        if event_id is None:
            continue  # fired for this story before
        (single if delivery == "single" else batched).append(event_id)
    for channel, target in _channels(locked):
        for event_id in single:
            store.enqueue(cur, rule_id, channel, target, "single", [event_id])
        if batched:
            store.add_to_batch(cur, rule_id, channel, target, batched)
    store.mark_evaluated(cur, rule_id)
    return len(single), len(batched)


def evaluate_rules(*, database_url: str | None = None, rules: list[str] | None = None) -> EvaluationSummary:
    """Evaluate every enabled rule (or the named ones), one transaction per rule."""
    summary = EvaluationSummary()
    with db.transaction(database_url) as cur:
        names = [r.name for r in store.list_rules(cur, enabled_only=True) if rules is None or r.name in rules]
    for name in names:
        with db.transaction(database_url) as cur:
            rule = store.get_rule(cur, name)
            if rule is None:
                continue
            single, batched = evaluate_rule(cur, rule)
        summary.rules += 1
        summary.single += single
        summary.batched += batched
        summary.events += single + batched
        summary.per_rule[name] = single + batched
        log.info("alert rule %s: %d new stories (%d batched)", name, single + batched, batched)
    return summary
