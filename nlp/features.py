"""What the heads read for an item (or for one sentence, when choosing evidence).

The encoder's pooled features (mean | lead | max, nlp/encoder.py), followed by one indicator per label
that says whether any of that label's taxonomy keywords occurs in the text given (the part the model
read), scaled by `keyword_weight`. The indicators carry rare, precise terms (wash trading, 传销, FATF)
that a small encoder's pooled vectors blur; on the dev split they added several points of macro-F1
(docs/classifier.md).
"""

from __future__ import annotations

import numpy as np

from chainwatch.taxonomy import Label
from nlp.baselines import keyword_pattern, keyword_predictions


def build(
    vectors: np.ndarray, texts: list[str], labels: tuple[Label, ...] | list[Label], keyword_weight: float
) -> np.ndarray:
    """[items, features + labels] float32 (no indicators when keyword_weight is 0)."""
    vectors = np.asarray(vectors, np.float32).reshape(len(texts), -1)
    if keyword_weight <= 0:
        return vectors
    hits = keyword_predictions(texts, labels).astype(np.float32) * keyword_weight
    return np.hstack([vectors, hits])


def term_list(labels: tuple[Label, ...] | list[Label]) -> tuple[list[str], list[int]]:
    """Every taxonomy keyword (any language) once per label, and the index of its label."""
    pairs = dict.fromkeys((w, j) for j, lab in enumerate(labels) for words in lab.keywords.values() for w in words)
    terms, owner = [w for w, _ in pairs], [j for _, j in pairs]
    return terms, owner


def term_hits(texts: list[str], terms: list[str]) -> np.ndarray:
    """[items, terms] bool: each keyword on its own, matched as in the keyword baseline (word
    boundaries and suffixes for English, substrings for Chinese), behind the same case-folded
    substring prefilter."""
    patterns = [keyword_pattern((t,)) for t in terms]  # one term each: never None
    folded = [t.casefold() for t in terms]
    out = np.zeros((len(texts), len(terms)), dtype=bool)
    for i, text in enumerate(texts):
        low = text.casefold()
        for j, (p, w) in enumerate(zip(patterns, folded)):
            out[i, j] = w in low and p is not None and bool(p.search(text))
    return out
