"""Cross-validation of the linking rule on hand-made signals: the held-out counts, a fixed rule scored on
the same folds, and the spread over repeated splits (what `chainwatch stories evaluate` prints)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from chainwatch.stories.evaluation import LabelledPair, cross_validate, repeated, spread
from chainwatch.stories.linking import Rule, Signals

DAY = datetime(2022, 5, 10, tzinfo=UTC)


def _signals() -> tuple[dict[str, Signals], list[LabelledPair]]:
    """Twelve events, each reported twice (cosine 0.8) by two sources; pairs of one event are positive,
    pairs across events (cosine 0) negative."""
    signals: dict[str, Signals] = {}
    pairs: list[LabelledPair] = []
    for event in range(12):
        axis = np.zeros(16, dtype=np.float32)
        axis[event] = 1.0
        other = np.zeros(16, dtype=np.float32)
        other[event], other[15] = 0.8, 0.6
        for n, (vector, source) in enumerate(((axis, "a"), (other, "b"))):
            key = f"e{event}-{n}"
            article = 2 * event + n + 1
            signals[key] = Signals(article, article, DAY, False, "en", source, vector, frozenset(), frozenset())
        pairs.append(LabelledPair(f"p{event}", f"e{event}-0", f"e{event}-1", "press-press", True))
        if event:
            pairs.append(LabelledPair(f"n{event}", f"e{event}-0", f"e{event - 1}-1", "press-press", False))
    return signals, pairs


def test_a_separable_set_is_scored_perfectly_held_out():
    signals, pairs = _signals()
    report = cross_validate(pairs, signals, folds=4)
    assert (report.grouping.tp, report.grouping.fp, report.grouping.fn) == (12, 0, 0)
    assert report.grouping.tn == 11 and len(report.rules) == 4
    assert report.final is not None and report.final.threshold <= 0.8


def test_a_fixed_rule_is_scored_on_the_same_folds_and_can_fail():
    signals, pairs = _signals()
    too_strict = Rule(threshold=0.9, entity_weight=0.0, amount_weight=0.0)
    report = cross_validate(pairs, signals, folds=4, rules=[too_strict])
    assert {r.version for r in report.rules} == {too_strict.version}
    assert (report.grouping.tp, report.grouping.fn, report.grouping.fp) == (0, 12, 0)


def test_repeated_splits_give_mean_and_spread_per_kind():
    signals, pairs = _signals()
    reports = repeated(pairs, signals, repeats=3, folds=4)
    assert len(reports) == 3
    lines = spread(reports)
    assert lines[0] == "over 3 splits (mean ± sd)"
    assert lines[1].startswith("grouping") and "F1 1.00 ± 0.00" in lines[1]
    assert lines[2].strip().startswith("press-press")
