"""The linking rule on hand-made signals: window, specificity, amounts, best link, merging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from chainwatch.stories.linking import (
    Rule,
    Signals,
    Specificity,
    amount_key,
    amount_keys,
    best_link,
    compare,
    link_batch,
    within_window,
)

DAY = datetime(2022, 5, 10, 12, tzinfo=UTC)
RULE = Rule(threshold=0.9, entity_weight=0.1, amount_weight=0.05)


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def _s(i: int, vector, *, story=None, days=0, official=False, entities=(), amounts=(), source=None) -> Signals:
    return Signals(
        i,
        story or i,
        DAY + timedelta(days=days),
        official,
        "en",
        source or f"source{i}",
        vector,
        frozenset(entities),
        amount_keys(Decimal(a) for a in amounts),
    )


def test_amounts_in_two_languages_round_to_one_key():
    # "$116 million" and "1.16亿美元" are one amount; a $5 fee says nothing
    assert amount_key(Decimal("116000000")) == amount_key(Decimal("116000000.0")) == Decimal("1.2E+8")
    assert amount_key(Decimal("115600000")) == amount_key(Decimal("116000000"))
    assert amount_key(Decimal("5")) is None
    assert amount_key(Decimal("160000000")) != amount_key(Decimal("116000000"))


def test_specificity_is_low_for_names_every_article_uses():
    spec = Specificity([frozenset({"bitcoin", "celsius"})] + [frozenset({"bitcoin"})] * 99)
    assert spec("celsius") == pytest.approx(1.0)
    assert spec("bitcoin") == pytest.approx(0.0)
    assert 0 < Specificity([frozenset({"a"})] * 10 + [frozenset()] * 90)("a") < 1


def test_window_is_wider_between_a_release_and_the_press():
    press, later_press = _s(1, _unit(1, 0)), _s(2, _unit(1, 0), days=5)
    release = _s(3, _unit(1, 0), days=5, official=True)
    assert not within_window(press, later_press, RULE)
    assert within_window(press, release, RULE)
    assert not within_window(press, _s(4, _unit(1, 0), days=8, official=True), RULE)
    undated = Signals(5, 5, None, False, "en", None, _unit(1, 0), frozenset(), frozenset())
    assert within_window(press, undated, RULE)


def test_shared_specific_entity_and_amount_lift_a_pair_over_the_threshold():
    a = _s(1, _unit(1, 0), entities={"celsius"}, amounts=["116000000"])
    b = _s(2, _unit(1, 0.6), entities={"celsius"}, amounts=["116000000"])
    bare = _s(3, _unit(1, 0.6))
    spec = Specificity([a.entities, b.entities, frozenset(), frozenset()])
    with_both = compare(a, b, RULE, spec)
    without = compare(a, bare, RULE, spec)
    assert without.score < RULE.threshold <= with_both.score
    assert with_both.shared_entities == ("celsius",) and with_both.shared_amounts == 1
    assert with_both.score == pytest.approx(with_both.similarity + 0.1 * spec("celsius") + 0.05)


def test_best_link_skips_its_own_story_and_picks_the_highest_score():
    me = _s(5, _unit(1, 0))
    same_story = _s(1, _unit(1, 0), story=5)
    close, closer = _s(2, _unit(1, 0.3)), _s(3, _unit(1, 0.1))
    far = _s(4, _unit(0, 1))
    found = best_link(me, [same_story, close, closer, far], RULE, Specificity([]))
    assert found is not None and found[0].article_id == 3
    # the closest article of its own source is never a link (templated releases, daily reports)
    own = _s(6, _unit(1, 0), source="source5")
    found = best_link(me, [own, close], RULE, Specificity([]))
    assert found is not None and found[0].article_id == 2
    assert best_link(me, [same_story, far], RULE, Specificity([])) is None


def test_link_batch_merges_into_the_smaller_story_and_follows_earlier_merges():
    en = _s(10, _unit(1, 0))
    zh = _s(20, _unit(1, 0.05))
    release = _s(30, _unit(1, 0.3), official=True)
    other = _s(40, _unit(0, 1))
    links = link_batch([20, 30, 40, 99], [en, zh, release, other], RULE)
    assert [link.article_id for link in links] == [20, 30, 40]  # 99 is not in the pool: no verdict
    assert (links[0].from_story, links[0].to_story) == (20, 10)
    # the release's best match may be either report: both are story 10 by now
    assert links[1].to_story == 10 and links[1].from_story == 30
    assert links[2].other is None and links[2].to_story is None
