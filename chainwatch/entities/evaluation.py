"""Precision and recall of the extractor per entity kind, on the labelled set
(chainwatch/entities/eval/entities_eval.jsonl; method in docs/entities.md, "Quality").

Scoring is per item and per kind: the set of distinct entity ids (or, for amounts, distinct
(currency, value) pairs) the extractor finds in the item's text against the set a reader wrote
down. Gold names the gazetteer lacks are written `?Name`: they count against recall, as they
should, and can never be found.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from chainwatch.counts import Counts
from chainwatch.entities.extract import extract
from chainwatch.entities.gazetteer import AMOUNT, KINDS, Gazetteer, load

EVAL_PATH = Path(__file__).with_name("eval") / "entities_eval.jsonl"


Score = Counts  # per kind: tp / fp / fn over sets of distinct entities (tn is not counted)


@dataclass
class Miss:
    item_id: str
    kind: str
    wrong: list[str]  # found, not in the gold
    missed: list[str]  # in the gold, not found


def _found(text: str, g: Gazetteer) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for m in extract(None, text, g):
        if m.kind == AMOUNT:
            found[AMOUNT].add(f"{m.currency}:{m.value}")
        else:
            found[m.kind].add(m.entity_id or "")
    return found


def _gold(item: dict[str, Any]) -> dict[str, set[str]]:
    gold: dict[str, set[str]] = defaultdict(set)
    for kind, entity in item["entities"]:
        gold[kind].add(entity)
    for currency, value in item["amounts"]:
        gold[AMOUNT].add(f"{currency}:{_tidy(Decimal(value))}")
    return gold


def _tidy(value: Decimal) -> Decimal:
    return Decimal(int(value)) if value == value.to_integral_value() else value.normalize()


def evaluate(
    path: Path | str = EVAL_PATH, g: Gazetteer | None = None
) -> tuple[dict[tuple[str, str], Score], list[Miss]]:
    """Scores keyed by (split or 'all' or a language, kind), and every item's errors."""
    g = g or load()
    scores: dict[tuple[str, str], Score] = defaultdict(Score)
    misses = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        found, gold = _found(item["text"], g), _gold(item)
        for kind in (*KINDS, AMOUNT):
            f = {str(x) for x in found.get(kind, set())}
            r = {str(x) for x in gold.get(kind, set())}
            for group in ("all", item["split"], item["lang"]):
                s = scores[(group, kind)]
                s.tp += len(f & r)
                s.fp += len(f - r)
                s.fn += len(r - f)
            if f != r:
                misses.append(Miss(item["id"], kind, sorted(f - r), sorted(r - f)))
    return dict(scores), misses


GROUPS = ("all", "dev", "test", "test2", "en", "zh")  # splits: docs/entities.md, "Quality"


def report(scores: dict[tuple[str, str], Score]) -> str:
    lines = [f"{'kind':<13}" + "".join(f"{g:>22}" for g in GROUPS)]
    lines.append(" " * 13 + "".join(f"{'P     R   (tp/fp/fn)':>22}" for _ in GROUPS))
    for kind in (*KINDS, AMOUNT):
        cells = []
        for group in GROUPS:
            s = scores.get((group, kind), Score())
            cells.append(f"{s.precision:.2f} {s.recall:.2f} ({s.tp}/{s.fp}/{s.fn})".rjust(22))
        lines.append(f"{kind:<13}" + "".join(cells))
    return "\n".join(lines)
