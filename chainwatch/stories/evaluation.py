"""Precision and recall of story linking on labelled pairs (data/story_pairs.jsonl, items in
data/story_items.jsonl; method in data/PROVENANCE.md and docs/entities.md).

A pair is positive when both items report the same event: the same actors, the same action, the
same time (a release and the press reports of it; an English and a Chinese report of one hack).
The rule (threshold and weights) is chosen on the training folds of a k-fold split, by the F1 of
the pairwise decision, and scored on the held-out pairs, so no reported figure comes from the pairs
that chose it. Two figures per fold:
- pairwise: would the rule link the two items directly (score at or above the threshold, in window);
- grouping: do the two end in one story after linking every labelled item as the runner does
  (chainwatch.stories.linking.link_batch: best link per item, stories merged, so also by a chain).
"""

from __future__ import annotations

import json
import random
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainwatch.counts import Counts
from chainwatch.stories.linking import RULE, Rule, Signals, Specificity, compare, link_batch, within_window

DATA = Path(__file__).with_name("data")
ITEMS_PATH = DATA / "story_items.jsonl"
PAIRS_PATH = DATA / "story_pairs.jsonl"


@dataclass(frozen=True)
class LabelledPair:
    id: str
    a: str  # item keys
    b: str
    kind: str  # en-zh | regulator-press | regulator-zh | press-press
    same_event: bool


@dataclass
class Report:
    pairwise: Counts = field(default_factory=Counts)
    grouping: Counts = field(default_factory=Counts)
    by_kind: dict[str, Counts] = field(default_factory=dict)  # grouping, per pair kind
    rules: list[Rule] = field(default_factory=list)  # the rule each fold chose
    final: Rule | None = None  # the rule all pairs choose (linking.RULE may differ: docs/entities.md)

    def lines(self, *, rules: bool = True) -> list[str]:
        """The counts; with `rules`, also the rule each fold chose and the one all pairs choose (nothing to
        say when one fixed rule was scored)."""
        out = [f"pairwise  {self.pairwise.line()}", f"grouping  {self.grouping.line()}"]
        out += [f"  {kind:<16} {c.line()}" for kind, c in sorted(self.by_kind.items())]
        if not rules:
            return out
        out += [f"fold rules: {', '.join(r.version for r in self.rules)}"]
        if self.final:
            out += [
                f"chosen on all pairs: {self.final.version} (linking.RULE: {RULE.version}; docs/entities.md says why)"
            ]
        return out


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_pairs(path: Path = PAIRS_PATH) -> list[LabelledPair]:
    return [LabelledPair(p["id"], p["a"], p["b"], p["kind"], bool(p["same_event"])) for p in read_jsonl(path)]


def load_items(path: Path = ITEMS_PATH) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in read_jsonl(path)}


def grid(
    thresholds: Iterable[float] | None = None,
    entity_weights: Sequence[float] = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3),
    amount_weights: Sequence[float] = (0.0, 0.1),
    cross_lingual_bonuses: Sequence[float] = (0.0, 0.05, 0.1, 0.15),
) -> list[Rule]:
    ts = list(thresholds) if thresholds is not None else [round(0.20 + 0.01 * k, 2) for k in range(51)]
    return [Rule(t, e, a, x) for t in ts for e in entity_weights for a in amount_weights for x in cross_lingual_bonuses]


def decide(a: Signals, b: Signals, rule: Rule, specificity: Specificity) -> bool:
    return within_window(a, b, rule) and compare(a, b, rule, specificity).score >= rule.threshold


def pairwise(
    pairs: Sequence[LabelledPair], signals: dict[str, Signals], rule: Rule, specificity: Specificity
) -> Counts:
    counts = Counts()
    for p in pairs:
        counts.add(decide(signals[p.a], signals[p.b], rule, specificity), p.same_event)
    return counts


def choose(
    pairs: Sequence[LabelledPair], signals: dict[str, Signals], rules: Sequence[Rule], specificity: Specificity
) -> Rule:
    """The rule with the best pairwise F1 on `pairs` (ties: higher threshold, then smaller weights)."""
    return max(
        rules,
        key=lambda r: (
            pairwise(pairs, signals, r, specificity).f1,
            r.threshold,
            -r.entity_weight,
            -r.amount_weight,
            -r.cross_lingual_bonus,
        ),
    )


def stories_after_linking(signals: dict[str, Signals], rule: Rule) -> dict[str, int]:
    """Each item's story after linking all of them in article-id order, as the runner does."""
    pool = sorted(signals.values(), key=lambda s: s.article_id)
    merged: dict[int, int] = {}
    for link in link_batch([s.article_id for s in pool], pool, rule):
        if link.from_story is not None and link.to_story is not None:
            merged[link.from_story] = link.to_story

    def final(story: int) -> int:
        while story in merged:
            story = merged[story]
        return story

    return {key: final(s.story_id) for key, s in signals.items()}


def cross_validate(
    pairs: Sequence[LabelledPair],
    signals: dict[str, Signals],
    *,
    folds: int = 5,
    seed: int = 15,
    rules: Sequence[Rule] | None = None,
) -> Report:
    """k-fold: choose on k-1 folds, score the held-out fold; counts summed over the held-out folds."""
    rules = rules or grid()
    specificity = Specificity(s.entities for s in signals.values())
    order = list(pairs)
    random.Random(seed).shuffle(order)
    report = Report()
    for k in range(folds):
        test = order[k::folds]
        train = [p for i, p in enumerate(order) if i % folds != k]
        rule = choose(train, signals, rules, specificity)
        report.rules.append(rule)
        story = stories_after_linking(signals, rule)
        for p in test:
            report.pairwise.add(decide(signals[p.a], signals[p.b], rule, specificity), p.same_event)
            together = story[p.a] == story[p.b]
            report.grouping.add(together, p.same_event)
            report.by_kind.setdefault(p.kind, Counts()).add(together, p.same_event)
    report.final = choose(order, signals, rules, specificity)
    return report


def repeated(
    pairs: Sequence[LabelledPair],
    signals: dict[str, Signals],
    *,
    repeats: int,
    folds: int = 5,
    rules: Sequence[Rule] | None = None,
) -> list[Report]:
    """`cross_validate` with `repeats` different fold splits (seeds 15, 16, ...): one split is one draw."""
    return [cross_validate(pairs, signals, folds=folds, seed=15 + n, rules=rules) for n in range(repeats)]


def spread(reports: Sequence[Report]) -> list[str]:
    """Mean and standard deviation over repeated splits of the held-out grouping figures, overall and per
    kind: how much of a difference between two designs the split alone makes."""

    def line(name: str, counts: list[Counts]) -> str:
        parts = []
        for label, values in (
            ("P", [c.precision for c in counts]),
            ("R", [c.recall for c in counts]),
            ("F1", [c.f1 for c in counts]),
        ):
            sd = statistics.stdev(values) if len(values) > 1 else 0.0
            parts.append(f"{label} {statistics.fmean(values):.2f} ± {sd:.2f}")
        return f"{name:<18} {', '.join(parts)}"

    out = [f"over {len(reports)} splits (mean ± sd)", line("grouping", [r.grouping for r in reports])]
    kinds = sorted({k for r in reports for k in r.by_kind})
    out += [line(f"  {k}", [r.by_kind.get(k, Counts()) for r in reports]) for k in kinds]
    return out
