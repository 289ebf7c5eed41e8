"""The labelled story pairs stay usable: every pair names two stored items, once, with a kind that
matches the items (chainwatch/stories/data/PROVENANCE.md says how they were drawn and read)."""

from __future__ import annotations

from chainwatch.stories import evaluation


def _kind(a: dict[str, object], b: dict[str, object]) -> set[str]:
    langs = {a["lang"], b["lang"]}
    official = a["official"] or b["official"]
    if langs == {"en", "zh"}:
        return {"regulator-zh"} if official else {"en-zh"}
    if langs == {"zh"}:
        return {"zh-zh"}
    return {"regulator-press"} if official else {"press-press"}


def test_every_pair_names_two_items_once_and_its_kind_matches_them() -> None:
    items = evaluation.load_items()
    pairs = evaluation.load_pairs()
    assert len({p.id for p in pairs}) == len(pairs)
    assert len({frozenset((p.a, p.b)) for p in pairs}) == len(pairs), "a pair labelled twice"
    for p in pairs:
        assert p.a in items and p.b in items and p.a != p.b, p.id
        assert p.kind in _kind(items[p.a], items[p.b]), (p.id, p.kind)


def test_every_item_says_where_it_comes_from() -> None:
    for key, item in evaluation.load_items().items():
        assert item["source"] and item["ref"] and item["lang"] in {"en", "zh"}, key
        assert item["title"].strip() and item["lead"].strip(), key


def test_the_cross_lingual_pairs_hold_hard_negatives_and_the_real_positives() -> None:
    pairs = [p for p in evaluation.load_pairs() if p.kind in {"en-zh", "regulator-zh"}]
    # rounds 1-2: Kaleido on AWS and the SEC's Blockvest order; round 3: 62 pairs of 2018 and 2021-22
    assert sum(p.same_event for p in pairs) == 64
    assert sum(not p.same_event for p in pairs) >= 150
    # both periods of round 3 are there, each with read negatives beside its positives
    for prefix in ("zh2-", "en18-"):
        period = [p for p in pairs if p.id.startswith(prefix)]
        assert sum(p.same_event for p in period) >= 30 and sum(not p.same_event for p in period) >= 30, prefix
