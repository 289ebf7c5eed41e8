"""The labelled items as cross-validation and training see them: encoder features (cached), keyword
hits in the part of each text the model read, languages, kinds of material and the label matrix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainwatch import taxonomy
from nlp import baselines, features
from nlp.text import prepare
from nlp.training import crossval, embedding_cache, labelled
from nlp.training.design import Corpus


@dataclass
class LabelledCorpus:
    items: list[labelled.LabelledItem]
    corpus: Corpus
    kinds: np.ndarray
    texts_read: list[str]

    def rows(self, split: str) -> np.ndarray:
        return np.array([i for i, it in enumerate(self.items) if it.split == split], int)


def build(
    items: list[labelled.LabelledItem],
    encoder_settings: dict[str, Any],
    make_encoder: Callable[[], Any],
    labels: tuple[taxonomy.Label, ...] | None = None,
) -> LabelledCorpus:
    labels = labels or taxonomy.load()
    ids = [lab.id for lab in labels]
    texts = [prepare(it.title, it.text, it.lang).text for it in items]
    pooled, chars = embedding_cache.encode_cached(texts, encoder_settings, make_encoder)
    read = [t[:c] for t, c in zip(texts, chars)]
    terms, term_label = features.term_list(labels)
    corpus = Corpus(
        pooled=pooled,
        label_hits=baselines.keyword_predictions(read, labels).astype(np.float32),
        term_hits=features.term_hits(read, terms).astype(np.float32),
        term_label=np.array(term_label, int),
        terms=terms,
        langs=np.array([(it.lang or "?") for it in items]),
        y=labelled.label_matrix(items, ids),
        labels=ids,
    )
    return LabelledCorpus(items, corpus, np.array([crossval.kind_of(it.id) for it in items]), read)
