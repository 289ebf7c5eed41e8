"""Measure story linking on the labelled pairs: the encoder (nlp) and the entity extractor
(chainwatch.entities) give each labelled item the signals the runner would store, and
chainwatch.stories.evaluation cross-validates the rule on them (docs/entities.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chainwatch.contracts import ClassifierInput
from chainwatch.entities.extract import extract
from chainwatch.entities.gazetteer import load
from chainwatch.stories import evaluation
from chainwatch.stories.linking import RULE, Signals, amount_keys, centred, centroids
from nlp.classifier import Classifier, load_classifier

UNKNOWN_OUTLET = "uglydog"  # the UglyDogIsDog passages do not say which outlet published them


def _dated(value: str | None) -> datetime | None:
    if not value:
        return None
    day = datetime.fromisoformat(value)
    return day if day.tzinfo else day.replace(tzinfo=UTC)


def item_signals(items: dict[str, dict[str, Any]], classifier: Classifier) -> dict[str, Signals]:
    """Signals per item key; ids follow the file's order (earlier line, smaller id)."""
    keys = list(items)
    vectors = classifier.embed(
        [ClassifierInput(k, items[k]["title"], items[k]["lead"], items[k]["lang"]) for k in keys]
    )
    gazetteer = load()
    means = centroids(classifier.embedding_version)
    out: dict[str, Signals] = {}
    for n, (key, vector) in enumerate(zip(keys, vectors), start=1):
        item = items[key]
        if vector is None:
            raise ValueError(f"labelled item {key} cannot be encoded (empty or unreadable text)")
        mentions = extract(item["title"], item["lead"], gazetteer)
        out[key] = Signals(
            n,
            n,
            _dated(item.get("date")),
            bool(item["official"]),
            item["lang"],
            None if item["outlet"] == UNKNOWN_OUTLET else item["outlet"],
            centred(vector, item["lang"], means),
            frozenset(m.entity_id for m in mentions if m.entity_id),
            amount_keys(m.usd_value for m in mentions if m.usd_value is not None),
        )
    return out


def report(classifier: Classifier | None = None, *, folds: int = 5, repeats: int = 1) -> list[str]:
    """What `chainwatch stories evaluate` prints: the procedure (a rule chosen on each k-1 folds) and the
    shipped rule (linking.RULE) on the same held-out folds; with repeats > 1, both over that many splits."""
    items, pairs = _labelled()
    signals = item_signals(items, classifier or load_classifier())
    chosen = evaluation.repeated(pairs, signals, repeats=repeats, folds=folds)
    shipped = evaluation.repeated(pairs, signals, repeats=repeats, folds=folds, rules=[RULE])
    out = [f"{len(pairs)} pairs ({sum(p.same_event for p in pairs)} same event) over {len(items)} items, {folds} folds"]
    out += ["", "rule chosen on each k-1 folds, held-out figures:"] + chosen[0].lines()
    out += ["", f"linking.RULE ({RULE.version}) on the same folds:"] + shipped[0].lines(rules=False)
    if repeats > 1:
        out += ["", "rule chosen on each k-1 folds,"] + evaluation.spread(chosen)
        out += ["", "linking.RULE,"] + evaluation.spread(shipped)
    return out


def _labelled() -> tuple[dict[str, dict[str, Any]], list[evaluation.LabelledPair]]:
    items = evaluation.load_items()
    pairs = evaluation.load_pairs()
    missing = sorted({k for p in pairs for k in (p.a, p.b)} - set(items))
    if missing:
        raise ValueError(f"pairs name items that story_items.jsonl lacks: {', '.join(missing[:5])}")
    return items, pairs
