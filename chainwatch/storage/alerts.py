"""Alert rules, events and the outbox in PostgreSQL (migration 008; chainwatch.alerts, docs/alerts.md).

The outbox contract: `record_events` writes a rule's events and their outbox rows in the caller's
transaction, so they exist together or not at all; `claim_due` locks one due row (SKIP LOCKED, so
two deliverers never take the same row) and `mark_sent` / `mark_failed` settle it in the same
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from psycopg2.extensions import cursor as Cursor


@dataclass(frozen=True)
class RuleRow:
    name: str
    label: str | None = None
    min_score: float = 0.5
    query: str | None = None
    entities: tuple[str, ...] = ()
    min_amount_usd: Decimal | None = None
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    category: str | None = None
    emails: tuple[str, ...] = ()
    webhook_url: str | None = None
    max_per_hour: int = 10
    enabled: bool = True
    id: int | None = None
    created_at: datetime | None = None
    evaluated_at: datetime | None = None


_RULE_COLUMNS = (
    "name, label, min_score, query, entities, min_amount_usd, sources, langs, category, emails,"
    " webhook_url, max_per_hour, enabled, id, created_at, evaluated_at"
)


def _rule(row: Any) -> RuleRow:
    return RuleRow(
        row[0],
        row[1],
        float(row[2]),
        row[3],
        tuple(row[4]),
        row[5],
        tuple(row[6]),
        tuple(row[7]),
        row[8],
        tuple(row[9]),
        row[10],
        int(row[11]),
        bool(row[12]),
        int(row[13]),
        row[14],
        row[15],
    )


@dataclass(frozen=True)
class Match:
    article_id: int
    story_id: int
    title: str
    url: str
    source_id: str
    published_at: datetime | None
    lang: str | None
    score: float | None  # the rule's label score (None for a rule without a label)
    max_amount_usd: Decimal | None
    published_day: date | None = None  # the publisher's own day, else published_at's UTC day: the date to show


@dataclass(frozen=True)
class OutboxRow:
    id: int
    rule_id: int
    rule_name: str
    channel: str
    target: str
    kind: str
    event_ids: list[int]
    attempts: int
    status: str = "pending"
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class EventDetail:
    event_id: int
    story_id: int
    article_id: int
    title: str
    url: str
    source_id: str
    source_name: str
    published_at: datetime | None
    published_day: date | None  # the publisher's own day, else published_at's UTC day: the date to show
    fired_at: datetime
    labels: list[dict[str, Any]] = field(default_factory=list)  # {label, name, probability, evidence}
    entities: list[dict[str, Any]] = field(default_factory=list)  # {id, kind, name}
    amounts: list[dict[str, Any]] = field(default_factory=list)  # {surface, currency, amount, amount_usd}


# -- rules --------------------------------------------------------------------------------------


def add_rule(cur: Cursor, r: RuleRow) -> int:
    cur.execute(
        """
        INSERT INTO alert_rules (name, label, min_score, query, entities, min_amount_usd, sources, langs, category,
                                 emails, webhook_url, max_per_hour, enabled)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (name) DO NOTHING RETURNING id
        """,
        (
            r.name,
            r.label,
            r.min_score,
            r.query,
            list(r.entities),
            r.min_amount_usd,
            list(r.sources),
            list(r.langs),
            r.category,
            list(r.emails),
            r.webhook_url,
            r.max_per_hour,
            r.enabled,
        ),
    )
    row = cur.fetchone()
    return int(row[0]) if row else 0


def get_rule(cur: Cursor, name: str, *, lock: bool = False) -> RuleRow | None:
    cur.execute(f"SELECT {_RULE_COLUMNS} FROM alert_rules WHERE name = %s" + (" FOR UPDATE" if lock else ""), (name,))
    row = cur.fetchone()
    return _rule(row) if row else None


def rule_id(cur: Cursor, name: str) -> int | None:
    """The rule's id (readable by chainwatch_reader, unlike its recipients): the Atom feed's check."""
    cur.execute("SELECT id FROM alert_rules WHERE name = %s", (name,))
    row = cur.fetchone()
    return int(row[0]) if row else None


def list_rules(cur: Cursor, *, enabled_only: bool = False) -> list[RuleRow]:
    cur.execute(f"SELECT {_RULE_COLUMNS} FROM alert_rules WHERE enabled OR NOT %s ORDER BY name", (enabled_only,))
    return [_rule(r) for r in cur.fetchall()]


def remove_rule(cur: Cursor, name: str) -> bool:
    cur.execute("DELETE FROM alert_rules WHERE name = %s", (name,))
    return bool(cur.rowcount > 0)


def rule_counts(cur: Cursor) -> dict[str, dict[str, int]]:
    """Per rule: events fired, and outbox rows pending / sent / dead."""
    cur.execute(
        """
        SELECT r.name,
               (SELECT count(*) FROM alert_events e WHERE e.rule_id = r.id),
               count(o.id) FILTER (WHERE o.status = 'pending'),
               count(o.id) FILTER (WHERE o.status = 'sent'),
               count(o.id) FILTER (WHERE o.status = 'dead')
        FROM alert_rules r LEFT JOIN alert_outbox o ON o.rule_id = r.id
        GROUP BY r.id, r.name
        """
    )
    return {
        r[0]: {"events": int(r[1]), "pending": int(r[2]), "sent": int(r[3]), "dead": int(r[4])} for r in cur.fetchall()
    }


def mark_evaluated(cur: Cursor, rule_id: int) -> None:
    cur.execute("UPDATE alert_rules SET evaluated_at = now() WHERE id = %s", (rule_id,))


# -- matching -----------------------------------------------------------------------------------


def matches(
    cur: Cursor,
    r: RuleRow,
    *,
    tsquery: str | None,
    stored_since: datetime | None = None,
    published_since: datetime | None = None,
    limit: int = 10_000,
) -> list[Match]:
    """Classified articles that satisfy every condition of the rule, oldest first. `tsquery` is the
    text form of the rule's query (chainwatch.alerts builds it once); stored_since limits to
    articles stored since then (evaluation), published_since to articles published since (test)."""
    cur.execute(
        """
        SELECT a.id, coalesce(a.story_id, a.id), a.title, a.canonical_url, a.source_id, a.published_at, a.lang,
               sc.probability,
               (SELECT max(m.amount_usd) FROM article_entity_mentions m WHERE m.article_id = a.id),
               chainwatch_shown_day(a.published_day, a.published_at)
        FROM articles a
        JOIN sources s ON s.id = a.source_id
        LEFT JOIN article_scores sc ON sc.article_id = a.id AND sc.label = %(label)s
        WHERE EXISTS (SELECT 1 FROM classified_articles ca WHERE ca.article_id = a.id)
          AND (%(stored_since)s::timestamptz IS NULL OR a.created_at >= %(stored_since)s::timestamptz)
          AND (%(published_since)s::timestamptz IS NULL OR a.published_at >= %(published_since)s::timestamptz)
          AND (%(label)s::text IS NULL OR sc.probability >= %(min_score)s)
          AND (cardinality(%(sources)s::text[]) = 0 OR a.source_id = ANY(%(sources)s::text[]))
          AND (cardinality(%(langs)s::text[]) = 0 OR a.lang = ANY(%(langs)s::text[]))
          AND (%(category)s::text IS NULL OR s.category = %(category)s::text)
          AND (%(tsquery)s::text IS NULL OR a.tsv @@ %(tsquery)s::tsquery)
          AND (cardinality(%(entities)s::text[]) = 0
               OR (SELECT count(DISTINCT l.entity_id) FROM article_entity_list l
                   WHERE l.article_id = a.id AND l.entity_id = ANY(%(entities)s::text[]))
                  = cardinality(%(entities)s::text[]))
          AND (%(min_usd)s::numeric IS NULL
               OR EXISTS (SELECT 1 FROM article_entity_mentions m
                          WHERE m.article_id = a.id AND m.amount_usd >= %(min_usd)s::numeric))
        ORDER BY a.published_at NULLS LAST, a.id
        LIMIT %(limit)s
        """,
        {
            "label": r.label,
            "min_score": r.min_score,
            "stored_since": stored_since,
            "published_since": published_since,
            "sources": list(r.sources),
            "langs": list(r.langs),
            "category": r.category,
            "tsquery": tsquery,
            "entities": list(r.entities),
            "min_usd": r.min_amount_usd,
            "limit": limit,
        },
    )
    return [
        Match(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            row[6],
            float(row[7]) if row[7] is not None else None,
            row[8],
            row[9],
        )
        for row in cur.fetchall()
    ]


def tsquery_is_empty(cur: Cursor, tsquery_text: str) -> bool:
    cur.execute("SELECT numnode(%s::tsquery) = 0", (tsquery_text,))
    return bool(cur.fetchone()[0])


# -- events and outbox --------------------------------------------------------------------------


def singles_in_last_hour(cur: Cursor, rule_id: int) -> int:
    cur.execute(
        "SELECT count(*) FROM alert_events WHERE rule_id = %s AND delivery = 'single'"
        " AND fired_at > now() - interval '1 hour'",
        (rule_id,),
    )
    return int(cur.fetchone()[0])


def insert_event(cur: Cursor, rule_id: int, story_id: int, article_id: int, delivery: str) -> int | None:
    """The new event's id, or None when the rule already fired for this story."""
    cur.execute(
        "INSERT INTO alert_events (rule_id, story_id, article_id, delivery) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (rule_id, story_id) DO NOTHING RETURNING id",
        (rule_id, story_id, article_id, delivery),
    )
    row = cur.fetchone()
    return int(row[0]) if row else None


def enqueue(cur: Cursor, rule_id: int, channel: str, target: str, kind: str, event_ids: list[int]) -> int:
    cur.execute(
        "INSERT INTO alert_outbox (rule_id, channel, target, kind, event_ids) VALUES (%s, %s, %s, %s, %s) RETURNING id",
        (rule_id, channel, target, kind, event_ids),
    )
    return int(cur.fetchone()[0])


def add_to_batch(cur: Cursor, rule_id: int, channel: str, target: str, event_ids: list[int]) -> int:
    """Put events in the rule's open (unsent) batch for this channel, or open one: due an hour after
    the rule's previous batch, so a flooding rule sends at most one batch an hour."""
    cur.execute(
        """
        UPDATE alert_outbox SET event_ids = event_ids || %s::bigint[]
        WHERE id = (SELECT id FROM alert_outbox
                    WHERE rule_id = %s AND channel = %s AND target = %s AND kind = 'batch'
                      AND status = 'pending' AND attempts = 0
                    ORDER BY id DESC LIMIT 1)
        RETURNING id
        """,
        (event_ids, rule_id, channel, target),
    )
    row = cur.fetchone()
    if row:
        return int(row[0])
    cur.execute(
        """
        INSERT INTO alert_outbox (rule_id, channel, target, kind, event_ids, next_attempt_at)
        SELECT %s, %s, %s, 'batch', %s::bigint[],
               greatest(now(), coalesce((SELECT max(created_at) FROM alert_outbox
                                         WHERE rule_id = %s AND channel = %s AND kind = 'batch'), now() - interval '1 hour')
                               + interval '1 hour')
        RETURNING id
        """,
        (rule_id, channel, target, event_ids, rule_id, channel),
    )
    return int(cur.fetchone()[0])


def claim_due(cur: Cursor) -> OutboxRow | None:
    """Claim the oldest due pending row: it becomes 'sending' (with claimed_at) once the caller
    commits, so no other deliverer and no re-run takes it; SKIP LOCKED keeps concurrent
    deliverers off each other's rows meanwhile."""
    cur.execute(
        """
        UPDATE alert_outbox o SET status = 'sending', claimed_at = now(), attempts = o.attempts + 1
        FROM alert_rules r
        WHERE r.id = o.rule_id
          AND o.id = (SELECT id FROM alert_outbox WHERE status = 'pending' AND next_attempt_at <= now()
                      ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING o.id, o.rule_id, r.name, o.channel, o.target, o.kind, o.event_ids, o.attempts
        """
    )
    row = cur.fetchone()
    return (
        OutboxRow(int(row[0]), int(row[1]), row[2], row[3], row[4], row[5], list(row[6]), int(row[7])) if row else None
    )


def mark_sent(cur: Cursor, outbox_id: int) -> None:
    cur.execute(
        "UPDATE alert_outbox SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = %s", (outbox_id,)
    )


def mark_failed(cur: Cursor, outbox_id: int, error: str, *, retry_in_s: float | None) -> None:
    """Record a failed attempt: due again in retry_in_s seconds, or dead (kept, visible) when None."""
    cur.execute(
        """
        UPDATE alert_outbox SET last_error = %s,
               status = CASE WHEN %s::float8 IS NULL THEN 'dead' ELSE 'pending' END,
               next_attempt_at = now() + make_interval(secs => coalesce(%s::float8, 0))
        WHERE id = %s
        """,
        (error[:1000], retry_in_s, retry_in_s, outbox_id),
    )


def expire_claims(cur: Cursor, *, lease_s: float) -> int:
    """Rows left 'sending' longer than the lease (a deliverer crashed mid-send) are in doubt: the
    message may have arrived. They become dead with a note rather than being sent again."""
    cur.execute(
        """
        UPDATE alert_outbox SET status = 'dead',
               last_error = 'interrupted while sending: it may have arrived; `chainwatch alerts retry` resends it'
        WHERE status = 'sending' AND claimed_at < now() - make_interval(secs => %s::float8)
        """,
        (lease_s,),
    )
    return int(cur.rowcount)


def outbox(cur: Cursor, *, status: str | None = None, rule: str | None = None, limit: int = 100) -> list[OutboxRow]:
    cur.execute(
        """
        SELECT o.id, o.rule_id, r.name, o.channel, o.target, o.kind, o.event_ids, o.attempts, o.status,
               o.last_error, o.next_attempt_at, o.created_at
        FROM alert_outbox o JOIN alert_rules r ON r.id = o.rule_id
        WHERE (%(status)s::text IS NULL OR o.status = %(status)s::text) AND (%(rule)s::text IS NULL OR r.name = %(rule)s::text)
        ORDER BY o.id DESC LIMIT %(limit)s
        """,
        {"status": status, "rule": rule, "limit": limit},
    )
    return [
        OutboxRow(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], list(r[6]), int(r[7]), r[8], r[9], r[10], r[11])
        for r in cur.fetchall()
    ]


def retry_dead(cur: Cursor, rule: str | None = None) -> int:
    """Make dead rows due again (after the receiver is fixed)."""
    cur.execute(
        "UPDATE alert_outbox o SET status = 'pending', next_attempt_at = now() FROM alert_rules r"
        " WHERE r.id = o.rule_id AND o.status = 'dead' AND (%s::text IS NULL OR r.name = %s::text)",
        (rule, rule),
    )
    return int(cur.rowcount)


# -- message content ----------------------------------------------------------------------------


def event_details(cur: Cursor, event_ids: list[int]) -> list[EventDetail]:
    """What a message says about each event: the article, its positive labels with their evidence
    sentence, the entities and the amounts it mentions."""
    cur.execute(
        """
        SELECT e.id, e.story_id, a.id, a.title, a.canonical_url, a.source_id, s.name, a.published_at,
               chainwatch_shown_day(a.published_day, a.published_at), e.fired_at
        FROM alert_events e JOIN articles a ON a.id = e.article_id JOIN sources s ON s.id = a.source_id
        WHERE e.id = ANY(%s::bigint[]) ORDER BY e.id
        """,
        (event_ids,),
    )
    events = [EventDetail(*r) for r in cur.fetchall()]
    ids = [e.article_id for e in events]
    cur.execute(
        """
        SELECT sc.article_id, sc.label, l.name, sc.probability, sc.evidence
        FROM article_scores sc JOIN labels l ON l.id = sc.label
        WHERE sc.article_id = ANY(%s::bigint[]) AND sc.positive
        ORDER BY sc.probability DESC
        """,
        (ids,),
    )
    labels: dict[int, list[dict[str, Any]]] = {}
    for article_id, label, name, p, evidence in cur.fetchall():
        labels.setdefault(article_id, []).append(
            {"label": label, "name": name, "probability": round(float(p), 3), "evidence": evidence}
        )
    cur.execute(
        """
        SELECT article_id, kind, entity_id, entity_name, surface, currency, amount, amount_usd
        FROM article_entity_mentions WHERE article_id = ANY(%s::bigint[])
        ORDER BY article_id, field DESC, start_offset
        """,
        (ids,),
    )
    entities: dict[int, dict[str, dict[str, Any]]] = {}
    amounts: dict[int, list[dict[str, Any]]] = {}
    for article_id, kind, entity_id, name, surface, currency, amount, usd in cur.fetchall():
        if kind == "amount":
            amounts.setdefault(article_id, []).append(
                {
                    "surface": surface,
                    "currency": currency,
                    "amount": str(amount),
                    "amount_usd": str(usd) if usd is not None else None,
                }
            )
        else:
            entities.setdefault(article_id, {}).setdefault(entity_id, {"id": entity_id, "kind": kind, "name": name})
    for e in events:
        e.labels.extend(labels.get(e.article_id, []))
        e.entities.extend(entities.get(e.article_id, {}).values())
        seen = set()
        for a in amounts.get(e.article_id, []):
            if (a["currency"], a["amount"]) not in seen:
                seen.add((a["currency"], a["amount"]))
                e.amounts.append(a)
    return events


def feed_events(cur: Cursor, rule_name: str, *, limit: int = 50) -> list[EventDetail]:
    """The rule's newest events, for its Atom feed."""
    cur.execute(
        "SELECT e.id FROM alert_events e JOIN alert_rules r ON r.id = e.rule_id WHERE r.name = %s"
        " ORDER BY e.fired_at DESC, e.id DESC LIMIT %s",
        (rule_name, limit),
    )
    ids = [r[0] for r in cur.fetchall()]
    return sorted(event_details(cur, ids), key=lambda e: (e.fired_at, e.event_id), reverse=True)


def known_sources(cur: Cursor, ids: list[str]) -> set[str]:
    cur.execute("SELECT id FROM sources WHERE id = ANY(%s)", (ids,))
    return {r[0] for r in cur.fetchall()}


def known_labels(cur: Cursor) -> set[str]:
    cur.execute("SELECT id FROM labels")
    return {r[0] for r in cur.fetchall()}
