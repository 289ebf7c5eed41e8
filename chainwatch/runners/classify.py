"""Classify the articles in the database that the current model version has not classified yet,
then extract their entities (chainwatch.entities) and link stories across languages and sources
(chainwatch.runners.stories), so the run leaves all three for the alert rules.

Reading, predicting and writing happen batch by batch (keyset paging by article id), each write in its
own short transaction, so a crawler can keep inserting meanwhile and an interrupted run loses at most
one batch. Re-running is idempotent: done articles are skipped unless `reclassify`.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from chainwatch import db, taxonomy
from chainwatch.entities.pipeline import ExtractSummary, extract_pending
from chainwatch.runners.stories import LinkSummary, link_stories, store_vectors
from chainwatch.storage import classifications as store
from chainwatch.storage.labels import sync_labels
from nlp.classifier import load_classifier

log = logging.getLogger(__name__)

STATUSES = ("ok", "empty", "truncated", "error")


@dataclass
class ClassifySummary:
    model_version: str
    classified: int = 0  # articles given a classified_articles row in this run
    ok: int = 0
    empty: int = 0
    truncated: int = 0
    error: int = 0
    positives: int = 0  # positive (article, label) pairs written
    per_label: dict[str, int] = field(default_factory=dict)  # label -> positive articles in this run
    seconds: float = 0.0
    entities: ExtractSummary | None = None  # the entity extraction that ends every classify run
    stories: LinkSummary | None = None  # ... and the story linking after it

    @property
    def items_per_second(self) -> float:
        return self.classified / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"classified {self.classified} articles with {self.model_version} in {self.seconds:.1f} s "
            f"({self.items_per_second:.0f}/s): ok {self.ok}, truncated {self.truncated}, empty {self.empty}, "
            f"error {self.error}; {self.positives} positive labels"
        ) + "".join(f"\n{part.line()}" for part in (self.entities, self.stories) if part)


def classify_pending(
    *,
    database_url: str | None = None,
    reclassify: bool = False,
    batch_size: int = 64,
    limit: int | None = None,
    progress: bool = False,
    classifier=None,
) -> ClassifySummary:
    """Classify pending articles (all articles when reclassify) with the current model version
    (`classifier`: another nlp.classifier.Classifier, e.g. a model trained elsewhere)."""

    started = time.monotonic()
    url = database_url or db.database_url()
    clf = classifier or load_classifier()
    summary = ClassifySummary(clf.version)
    with db.transaction(url) as cur:
        sync_labels(cur, taxonomy.load())
        store.record_model_version(cur, clf.version, clf.info.encoder_description, clf.info.raw.get("metrics", {}))
        total = store.count_pending(cur, clf.version, reclassify=reclassify)
    if limit is not None:
        total = min(total, limit)
    per_label: Counter[str] = Counter()
    last_id = 0
    while limit is None or summary.classified < limit:
        size = batch_size if limit is None else min(batch_size, limit - summary.classified)
        with db.transaction(url) as cur:
            batch = store.next_pending(cur, clf.version, after_id=last_id, limit=size, reclassify=reclassify)
        if not batch:
            break
        last_id = int(batch[-1].id)
        outputs = clf.predict(batch)
        with db.transaction(url) as cur:
            store.store_outputs(cur, outputs)
            # the encoder's lead vector comes with each output: kept for linking stories, no second pass
            store_vectors(cur, clf.embedding_version, [(int(o.id), o.extra.get("lead_vector")) for o in outputs])
        for out in outputs:
            setattr(summary, out.status, getattr(summary, out.status) + 1)
            per_label.update(out.labels)
            summary.positives += len(out.labels)
        summary.classified += len(outputs)
        if progress:
            rate = summary.classified / max(time.monotonic() - started, 1e-9)
            print(
                f"\rclassify: {summary.classified}/{max(total, summary.classified)} articles ({rate:.0f}/s)",
                end="",
                file=sys.stderr,
                flush=True,
            )
    if progress and summary.classified:
        print(file=sys.stderr)
    # Entities are part of the classify run: every article classified here (and any article the
    # current extractor version has not read) has its entities before alert rules look at it.
    summary.entities = extract_pending(database_url=url)
    # Stories are linked across languages once entities exist (they are part of the evidence).
    summary.stories = link_stories(database_url=url, classifier=clf)
    summary.per_label = dict(per_label.most_common())
    summary.seconds = round(time.monotonic() - started, 2)
    log.info(summary.line())
    return summary
