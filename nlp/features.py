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
from nlp.baselines import keyword_predictions


def build(
    vectors: np.ndarray, texts: list[str], labels: tuple[Label, ...] | list[Label], keyword_weight: float
) -> np.ndarray:
    """[items, features + labels] float32 (no indicators when keyword_weight is 0)."""
    vectors = np.asarray(vectors, np.float32).reshape(len(texts), -1)
    if keyword_weight <= 0:
        return vectors
    hits = keyword_predictions(texts, labels).astype(np.float32) * keyword_weight
    return np.hstack([vectors, hits])
