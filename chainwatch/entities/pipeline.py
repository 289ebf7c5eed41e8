"""Extract entities from the stored articles that the current extractor version has not read.

Batches are read by keyset paging and each is written in its own short transaction (like the
classifier), so an interrupted run loses at most one batch and a re-run is idempotent. The runner
calls this inside the classify run (chainwatch.runners.classify), so every classified article has
its entities by the time alert rules are evaluated.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from chainwatch import db
from chainwatch.entities import extract as extractor
from chainwatch.entities.gazetteer import AMOUNT, Gazetteer, load
from chainwatch.storage import entities as store

log = logging.getLogger(__name__)


@dataclass
class ExtractSummary:
    version: str
    articles: int = 0
    mentions: int = 0
    per_kind: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def line(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.per_kind.items()))
        return (
            f"entities: {self.articles} articles read with {self.version} in {self.seconds:.1f} s, "
            f"{self.mentions} mentions" + (f" ({kinds})" if kinds else "")
        )


def entity_rows(g: Gazetteer) -> list[store.EntityRow]:
    return [
        store.EntityRow(e.id, e.kind, e.name, {lang: list(names) for lang, names in e.aliases.items()})
        for e in g.entities
    ]


def mention_rows(title: str, text: str, g: Gazetteer) -> list[store.MentionRow]:
    return [
        store.MentionRow(m.kind, m.entity_id, m.field, m.start, m.end, m.surface, m.currency, m.value, m.usd_value)
        for m in extractor.extract(title, text, g)
    ]


def extract_pending(
    *,
    database_url: str | None = None,
    batch_size: int = 500,
    article_ids: list[int] | None = None,
    gazetteer: Gazetteer | None = None,
) -> ExtractSummary:
    """Read every article the current extractor version has not (only `article_ids` when given)."""
    g = gazetteer or load()
    version = extractor.version(g)
    summary = ExtractSummary(version)
    started = time.monotonic()
    with db.transaction(database_url) as cur:
        store.sync_entities(cur, entity_rows(g))
    after = 0
    while True:
        with db.transaction(database_url) as cur:
            batch = store.next_unextracted(cur, version, after_id=after, limit=batch_size, ids=article_ids)
            if not batch:
                break
            found = {article_id: mention_rows(title, text, g) for article_id, title, text in batch}
            store.store_mentions(cur, version, found)
        after = batch[-1][0]
        summary.articles += len(batch)
        for rows in found.values():
            summary.mentions += len(rows)
            for m in rows:
                summary.per_kind[m.kind] = summary.per_kind.get(m.kind, 0) + 1
    summary.seconds = time.monotonic() - started
    log.info(summary.line())
    return summary


__all__ = ["AMOUNT", "ExtractSummary", "extract_pending", "mention_rows"]
