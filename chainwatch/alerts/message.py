"""What an alert says: for each story, the title, source, link, labels with their evidence
sentence, entities and amounts. One builder gives the JSON body (webhooks) and the plain-text and
HTML bodies (email); scraped text reaches HTML only escaped and never reaches a mail header.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from typing import Any

from chainwatch.storage.alerts import EventDetail, OutboxRow

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean(text: str | None) -> str:
    """Scraped text for a terminal or plain-text mail: no control or bidi-override characters."""
    return _CONTROL.sub("", text or "")


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


def story(e: EventDetail) -> dict[str, Any]:
    return {
        "event_id": e.event_id,
        "story_id": e.story_id,
        "article_id": e.article_id,
        "title": e.title,
        "url": e.url,
        "source": e.source_id,
        "source_name": e.source_name,
        "published_at": _iso(e.published_at),
        "published_day": e.published_day.isoformat() if e.published_day else None,
        "fired_at": _iso(e.fired_at),
        "labels": e.labels,
        "entities": e.entities,
        "amounts": e.amounts,
    }


def payload(row: OutboxRow, events: list[EventDetail]) -> dict[str, Any]:
    """The webhook's JSON body (docs/alerts.md, "Webhook")."""
    return {
        "type": "chainwatch.alert",
        "delivery_id": row.id,
        "rule": row.rule_name,
        "kind": row.kind,
        "stories": [story(e) for e in events],
    }


def body_json(row: OutboxRow, events: list[EventDetail]) -> bytes:
    return json.dumps(payload(row, events), ensure_ascii=False, sort_keys=True).encode("utf-8")


def subject(row: OutboxRow, events: list[EventDetail]) -> str:
    """Built from the rule name and counts only: nothing scraped reaches a header."""
    if row.kind == "batch" or len(events) != 1:
        return f"ChainWatch alert {row.rule_name}: {len(events)} stories"
    return f"ChainWatch alert {row.rule_name}: 1 story"


def when(e: EventDetail) -> str:
    """The publisher's own day, then the UTC time: "2020-02-15 (2020-02-14 22:00 UTC)"."""
    day = e.published_day.isoformat() if e.published_day else ""
    if e.published_at is None:
        return day
    utc = f"{e.published_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return f"{day} ({utc})" if day else utc


def _text_story(e: EventDetail) -> list[str]:
    shown = when(e)
    lines = [
        clean(e.title),
        f"  {clean(e.source_name)} · {shown}" if shown else f"  {clean(e.source_name)}",
        f"  {clean(e.url)}",
    ]
    for lab in e.labels:
        lines.append(f"  [{lab['name']} {lab['probability']:.2f}] {clean(lab['evidence'])}".rstrip())
    if e.entities:
        lines.append("  Entities: " + ", ".join(clean(x["name"]) for x in e.entities))
    if e.amounts:
        lines.append("  Amounts: " + ", ".join(clean(a["surface"]) for a in e.amounts))
    return lines


def body_text(row: OutboxRow, events: list[EventDetail]) -> str:
    head = (
        f"Rule {row.rule_name}: {len(events)} stories in this batch (the rule reached its hourly limit)."
        if row.kind == "batch"
        else f"Rule {row.rule_name} matched:"
    )
    parts = [head, ""]
    for e in events:
        parts += _text_story(e) + [""]
    return "\n".join(parts)


def body_html(row: OutboxRow, events: list[EventDetail]) -> str:
    esc = html.escape
    items = []
    for e in events:
        labels = "".join(
            f"<li><b>{esc(lab['name'])}</b> {lab['probability']:.2f}: {esc(lab['evidence'] or '')}</li>"
            for lab in e.labels
        )
        entities = ", ".join(esc(x["name"]) for x in e.entities)
        amounts = ", ".join(esc(a["surface"]) for a in e.amounts)
        href = esc(e.url) if e.url.startswith(("http://", "https://")) else "#"
        shown = when(e)
        items.append(
            f'<div><h3><a href="{href}">{esc(e.title)}</a></h3><p>{esc(e.source_name)}'
            f'{" · " + esc(shown) if shown else ""}</p>'
            f'<ul>{labels}</ul>'
            + (f"<p>Entities: {entities}</p>" if entities else "")
            + (f"<p>Amounts: {amounts}</p>" if amounts else "")
            + "</div>"
        )
    return f"<!doctype html><html><body><p>Rule <b>{esc(row.rule_name)}</b></p>{''.join(items)}</body></html>"
