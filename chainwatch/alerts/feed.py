"""An Atom feed per rule (RFC 4287): the stories the rule fired for, newest first. The web app
serves it (`/alerts/<rule>/feed.atom`); `chainwatch alerts feed RULE` writes it to a file.
ElementTree escapes every scraped string.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from psycopg2.extensions import cursor as Cursor

from chainwatch import db
from chainwatch.alerts.rules import AlertRuleError
from chainwatch.storage import alerts as store
from chainwatch.storage.alerts import EventDetail

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # not allowed in XML 1.0


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = _NOT_XML.sub("", text)
    return el


def _summary(e: EventDetail) -> str:
    parts = [f"{e.source_name}"]
    parts += [f"{lab['name']} {lab['probability']:.2f}: {lab['evidence'] or ''}".rstrip(": ") for lab in e.labels]
    if e.entities:
        parts.append("Entities: " + ", ".join(x["name"] for x in e.entities))
    if e.amounts:
        parts.append("Amounts: " + ", ".join(a["surface"] for a in e.amounts))
    return "\n".join(parts)


def atom_feed(rule_name: str, events: list[EventDetail], *, self_url: str, now: datetime | None = None) -> bytes:
    """The feed document for `events` (chainwatch.storage.alerts.feed_events gives them)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", f"urn:chainwatch:alert-rule:{rule_name}")
    _sub(feed, "title", f"ChainWatch alerts: {rule_name}")
    updated = max((e.fired_at for e in events), default=now or datetime.now(UTC))
    _sub(feed, "updated", updated.isoformat())
    _sub(feed, "link", rel="self", href=self_url)
    _sub(_sub(feed, "author"), "name", "ChainWatch")
    for e in events:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"urn:chainwatch:alert-event:{e.event_id}")
        _sub(entry, "title", e.title)
        if e.url.startswith(("http://", "https://")):
            _sub(entry, "link", href=_NOT_XML.sub("", e.url))
        _sub(entry, "updated", e.fired_at.isoformat())
        if e.published_at:
            _sub(entry, "published", e.published_at.isoformat())
        _sub(entry, "summary", _summary(e))
        for lab in e.labels:
            _sub(entry, "category", term=lab["label"], label=lab["name"])
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def feed_for(cur: Cursor, rule_name: str, *, self_url: str, limit: int = 50) -> bytes:
    """The Atom feed of a stored rule, read on `cur` (the web app's read-only cursor works: the feed
    needs no recipient or URL); AlertRuleError if there is no such rule."""
    if store.rule_id(cur, rule_name) is None:
        raise AlertRuleError(f"no rule named {rule_name!r}")
    return atom_feed(rule_name, store.feed_events(cur, rule_name, limit=limit), self_url=self_url)


def rule_feed(rule_name: str, *, self_url: str, database_url: str | None = None, limit: int = 50) -> bytes:
    """The Atom feed of a stored rule (`chainwatch alerts feed`)."""
    with db.transaction(database_url) as cur:
        return feed_for(cur, rule_name, self_url=self_url, limit=limit)
