"""Stories across languages: embed the articles that have no vector yet, then link each article the
current linker version has not checked to the best-matching story of its date window, merging the
two stories (docs/entities.md, "Stories across languages").

This runner is where the stages meet: the classifier's encoder (nlp) gives the vectors, the entity
extraction (chainwatch.entities, already run by the classify run) the entities and amounts, and
chainwatch.stories the rule. It ends every classify run, before the alert rules look at stories, so
an English report and the Chinese one that arrives later are one story when a rule fires.

Each batch is written in its own transaction; re-running checks nothing twice (a story_links row
per article and linker version) and stories only ever merge, so a re-run changes nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from chainwatch import db
from chainwatch.contracts import ClassifierInput
from chainwatch.storage import story_links as store
from chainwatch.stories.linking import RULE, Rule, Signals, amount_keys, centred, centroids, link_batch, linker_version
from nlp.classifier import Classifier, load_classifier

if TYPE_CHECKING:
    from psycopg2.extensions import cursor as Cursor

log = logging.getLogger(__name__)

# The classify run links articles stored in the last 30 days: the first run after an upgrade does not
# embed the whole archive inside the pipeline (about 13 articles/s here); `--all` does that on demand.
HORIZON = timedelta(days=30)


@dataclass
class LinkSummary:
    linker_version: str
    embedded: int = 0  # articles given a vector by this run (not by the classifier)
    checked: int = 0
    linked: int = 0  # articles whose story was merged with another
    moved: int = 0  # article rows whose story_id changed
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"stories: {self.checked} articles checked with {self.linker_version} in {self.seconds:.1f} s, "
            f"{self.linked} linked across sources or languages ({self.moved} articles moved), "
            f"{self.embedded} embedded"
        )


def store_vectors(cur: Cursor, encoder: str, vectors: list[tuple[int, np.ndarray | None]]) -> None:
    """Write the vectors that exist (as little-endian float32)."""
    store.store_embeddings(
        cur, encoder, [(i, np.asarray(v, dtype="<f4").tobytes()) for i, v in vectors if v is not None and v.size]
    )


def embed_pending(
    url: str, classifier: Classifier, *, batch_size: int = 64, stored_since: datetime | None = None
) -> int:
    """Vectors for articles the classifier did not give one (classified before vectors were kept)."""
    done, last_id = 0, 0
    while True:
        with db.transaction(url) as cur:
            batch = store.next_unembedded(
                cur, classifier.embedding_version, after_id=last_id, limit=batch_size, stored_since=stored_since
            )
        if not batch:
            return done
        last_id = batch[-1].id
        vectors = classifier.embed([ClassifierInput(a.id, a.title, a.text, a.lang) for a in batch])
        with db.transaction(url) as cur:
            store_vectors(cur, classifier.embedding_version, [(a.id, v) for a, v in zip(batch, vectors)])
        done += sum(1 for v in vectors if v is not None)
        skipped = [a.id for a, v in zip(batch, vectors) if v is None]
        if skipped:
            # an unreadable article (empty, junk) has no vector and is linked by MinHash alone
            log.info("stories: no vector for %d unreadable article(s), e.g. %s", len(skipped), skipped[:5])


def _signals(row: store.SignalRow, means: dict[str, np.ndarray]) -> Signals:
    return Signals(
        row.article_id,
        row.story_id,
        row.dated,
        row.official,
        row.lang,
        row.source_id,
        centred(np.frombuffer(row.vector, dtype="<f4"), row.lang, means),
        frozenset(row.entities),
        amount_keys(row.amounts),
    )


def link_pending(
    url: str, encoder: str, *, rule: Rule = RULE, batch_size: int = 200, stored_since: datetime | None = None
) -> LinkSummary:
    version = linker_version(rule)
    means = centroids(encoder)
    summary = LinkSummary(version)
    window = timedelta(days=max(rule.max_days, rule.official_max_days))
    last_id = 0
    while True:
        # one transaction per batch: the pool read, the merges and the verdicts land together
        with db.transaction(url) as cur:
            pending = store.next_unlinked(
                cur, encoder, version, after_id=last_id, limit=batch_size, stored_since=stored_since
            )
            if not pending:
                return summary
            last_id = pending[-1][0]
            dates = [d for _, d in pending]
            pool = [
                _signals(r, means) for r in store.window_signals(cur, encoder, min(dates) - window, max(dates) + window)
            ]
            rows = []
            for link in link_batch([i for i, _ in pending], pool, rule):
                if link.other is None or link.verdict is None or link.from_story is None or link.to_story is None:
                    rows.append(store.LinkRow(link.article_id))
                    continue
                summary.moved += store.merge_story(cur, link.from_story, link.to_story)
                summary.linked += 1
                rows.append(
                    store.LinkRow(
                        link.article_id,
                        link.other.article_id,
                        round(link.verdict.similarity, 4),
                        link.verdict.shared_entities,
                        link.verdict.shared_amounts,
                        round(link.verdict.score, 4),
                        link.from_story,
                        link.to_story,
                    )
                )
            store.record_links(cur, version, rows)
            summary.checked += len(rows)


def link_stories(
    *,
    database_url: str | None = None,
    classifier: Classifier | None = None,
    rule: Rule = RULE,
    horizon: timedelta | None = HORIZON,
) -> LinkSummary:
    """Embed what lacks a vector, then link what the linker version has not checked: articles stored
    within `horizon` (None: all of them, `chainwatch stories link --all`)."""
    started = time.monotonic()
    url = database_url or db.database_url()
    clf = classifier or load_classifier()
    since = None if horizon is None else datetime.now(UTC) - horizon
    embedded = embed_pending(url, clf, stored_since=since)
    summary = link_pending(url, clf.embedding_version, rule=rule, stored_since=since)
    summary.embedded = embedded
    summary.seconds = round(time.monotonic() - started, 2)
    log.info(summary.line())
    return summary
