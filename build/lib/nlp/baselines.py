"""The two reference systems the trained heads are measured against.

- keywords: a label is positive when any of its taxonomy keywords (any language) occurs in the item.
- zero-shot: cosine similarity between the item's embedding and its label's name + description
  (E5 `query:` side); only a per-label threshold is learned, on the train split.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from nlp.taxonomy import Label

# Common English endings, so "scam" finds "scams" and "hack" finds "hacked", but "ban" not "bank".
_SUFFIX = r"(?:s|es|ed|d|ing|er|ers|ion|ions|or|ors|e)?"


@lru_cache(maxsize=64)
def _keyword_pattern(keyword: str) -> re.Pattern:
    if not keyword.isascii():  # Chinese: plain substring (no word boundaries in the script)
        return re.compile(re.escape(keyword))
    flags = 0 if (keyword.isupper() and len(keyword) <= 5) else re.IGNORECASE  # acronyms: case matters
    return re.compile(r"(?<![\w])" + re.escape(keyword) + _SUFFIX + r"(?![\w])", flags)


def keyword_hits(text: str, label: Label) -> list[str]:
    return [kw for words in label.keywords.values() for kw in words if _keyword_pattern(kw).search(text)]


def keyword_predictions(texts: list[str], labels: tuple[Label, ...] | list[Label]) -> np.ndarray:
    """[items, labels] bool: any keyword of the label occurs."""
    return np.array([[bool(keyword_hits(t, lab)) for lab in labels] for t in texts], dtype=bool).reshape(
        len(texts), len(labels))


def label_queries(labels: tuple[Label, ...] | list[Label]) -> list[str]:
    """The text each label is embedded from in the zero-shot baseline."""
    return [f"{lab.name}: {lab.description}" for lab in labels]


def zero_shot_scores(item_vectors: np.ndarray, label_vectors: np.ndarray) -> np.ndarray:
    """[items, labels] cosine similarity (both sides L2-normalised)."""
    return item_vectors @ label_vectors.T
