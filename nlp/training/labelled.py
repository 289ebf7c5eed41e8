"""Read labelled items (nlp/data/labelled.jsonl): one JSON object per line,
{"id", "title", "text", "lang", "labels": [label ids], "split": "train" | "test", "source"}."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chainwatch import taxonomy
from chainwatch.errors import ChainWatchError

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "labelled.jsonl"


class LabelledDataError(ChainWatchError):
    pass


@dataclass(frozen=True)
class LabelledItem:
    id: str
    title: str
    text: str
    lang: str | None
    labels: tuple[str, ...]
    split: str | None


def load(path: Path | str | None = None, *, split: str | None = None) -> list[LabelledItem]:
    """Items of one split (None: all). Unknown label ids are an error: the taxonomy file defines them."""
    path = Path(path or DEFAULT_PATH)
    if not path.exists():
        raise LabelledDataError(f"labelled data not found: {path}")
    known = set(taxonomy.label_ids())
    items, seen = [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            item = LabelledItem(
                id=str(row["id"]),
                title=str(row.get("title") or ""),
                text=str(row.get("text") or ""),
                lang=row.get("lang"),
                labels=tuple(row.get("labels") or ()),
                split=row.get("split"),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise LabelledDataError(f"{path}:{n}: not a labelled item ({exc})") from exc
        unknown = sorted(set(item.labels) - known)
        if unknown:
            raise LabelledDataError(f"{path}:{n}: unknown label(s) {', '.join(unknown)} (see chainwatch/taxonomy.yaml)")
        if item.id in seen:
            raise LabelledDataError(f"{path}:{n}: duplicate id {item.id!r}")
        seen.add(item.id)
        if split is None or item.split == split:
            items.append(item)
    return items


def label_matrix(items: list[LabelledItem], labels: list[str]):
    """[items, labels] 0/1 matrix."""

    index = {label: j for j, label in enumerate(labels)}
    y = np.zeros((len(items), len(labels)), dtype=np.int8)
    for i, item in enumerate(items):
        for label in item.labels:
            if label in index:
                y[i, index[label]] = 1
    return y
