"""The model variants that cross-validation compares, and fitting one on a set of items.

A variant (`Design`) says what the heads read and how their thresholds are set:

- `keywords`: "none"; "label" (one indicator per label: any of its taxonomy keywords occurs, the
  previous model's features); or "term" (one indicator per keyword, kept only when its precision for
  its label on the training items reaches `term_precision`, so that 技术 or 联盟, which fire on most
  items, never become features).
- `centre`: subtract each language's mean pooled vector (fitted on the training items) and
  re-normalise, so English and Chinese items sit around the same origin.
- `lang_thresholds`: one threshold per label and language (falling back to the label's threshold
  where a language has too few positives to choose one).
- `fraud_family`: an "any fraud" head for ico / mm / pyr / scam, and each fraud subtype's score is
  p(any fraud) * p(subtype | fraud), its head trained on fraud items only.

`fit_predictor` fits a variant on items; `Predictor.predict` scores others. Thresholds come from
out-of-fold probabilities over the training items (inner folds), never from the items scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from nlp import metrics
from nlp.training import linear
from nlp.training.folds import stratified_folds

FRAUD_FAMILY = ("ico_fraud", "market_manipulation", "pyramid_scheme", "crypto_scam")
INNER_FOLDS = 3
MIN_LANG_POSITIVES = 8  # per language, below this the label's overall threshold is used
MIN_TERM_HITS = 3  # a keyword must fire on this many training items to be judged


@dataclass(frozen=True)
class Design:
    name: str
    alpha: float = 1.0  # ridge penalty (nlp/training/linear.py)
    head: str = "ridge"  # ridge | logistic (C = 1 / alpha)
    keywords: str = "label"  # none | label | term
    keyword_weight: float = 2.0
    term_precision: float = 0.35
    centre: bool = False
    lang_thresholds: bool = False
    fraud_family: bool = False

    def but(self, name: str, **changes: Any) -> Design:
        return replace(self, name=name, **changes)


@dataclass
class Corpus:
    """Everything a fit needs about the items, computed once (the encoder never runs here)."""

    pooled: np.ndarray  # [items, 3 * hidden] mean | lead | max (nlp/encoder.py)
    label_hits: np.ndarray  # [items, labels] any taxonomy keyword of the label in the text read
    term_hits: np.ndarray  # [items, terms] each keyword in the text read
    term_label: np.ndarray  # [terms] index of the label each keyword belongs to
    terms: list[str]
    langs: np.ndarray  # [items] "en" | "zh" | ...
    y: np.ndarray  # [items, labels] 0/1
    labels: list[str]
    hidden: int = field(init=False)

    def __post_init__(self) -> None:
        self.hidden = self.pooled.shape[1] // 3

    def subset(self, rows: np.ndarray) -> Corpus:
        return Corpus(
            self.pooled[rows],
            self.label_hits[rows],
            self.term_hits[rows],
            self.term_label,
            self.terms,
            self.langs[rows],
            self.y[rows],
            self.labels,
        )


@dataclass
class Predictor:
    design: Design
    heads: linear.LinearHeads
    thresholds: dict[str, np.ndarray]  # language ("*" = any) -> [labels]
    centres: dict[str, np.ndarray]  # language -> [3 * hidden]
    terms: np.ndarray  # indices of the keyword features kept
    fraud_heads: linear.LinearHeads | None = None
    fraud_index: list[int] = field(default_factory=list)

    def probabilities(self, corpus: Corpus, rows: np.ndarray) -> np.ndarray:
        x = features(self.design, corpus, rows, self.centres, self.terms)
        p = self.heads.probabilities(x)
        if self.fraud_heads is not None:
            any_fraud = p[:, -1:]
            p = p[:, :-1].copy()
            p[:, self.fraud_index] = any_fraud * self.fraud_heads.probabilities(x)
        return p

    def predict(self, corpus: Corpus, rows: np.ndarray) -> np.ndarray:
        p = self.probabilities(corpus, rows)
        return p >= self.row_thresholds(corpus.langs[rows])

    def row_thresholds(self, langs: np.ndarray) -> np.ndarray:
        default = self.thresholds["*"]
        return (
            np.stack([self.thresholds.get(str(lang), default) for lang in langs])
            if len(langs)
            else np.zeros((0, len(default)))
        )


def _normalise_blocks(x: np.ndarray, hidden: int) -> np.ndarray:
    out = np.empty_like(x)
    for k in range(x.shape[1] // hidden):
        block = x[:, k * hidden : (k + 1) * hidden]
        out[:, k * hidden : (k + 1) * hidden] = block / np.maximum(np.linalg.norm(block, axis=1, keepdims=True), 1e-12)
    return out


def language_centres(corpus: Corpus, rows: np.ndarray) -> dict[str, np.ndarray]:
    return {
        str(lang): corpus.pooled[rows[corpus.langs[rows] == lang]].mean(axis=0)
        for lang in np.unique(corpus.langs[rows])
    }


def select_terms(corpus: Corpus, rows: np.ndarray, min_precision: float) -> np.ndarray:
    """Keywords precise enough for their own label on these items."""
    hits = corpus.term_hits[rows].astype(bool)
    y = corpus.y[rows].astype(bool)
    fired = hits.sum(axis=0)
    right = np.array([(hits[:, t] & y[:, corpus.term_label[t]]).sum() for t in range(hits.shape[1])])
    precision = np.where(fired > 0, right / np.maximum(fired, 1), 0.0)
    return np.flatnonzero((fired >= MIN_TERM_HITS) & (precision >= min_precision))


def features(
    design: Design, corpus: Corpus, rows: np.ndarray, centres: dict[str, np.ndarray], terms: np.ndarray
) -> np.ndarray:
    x = corpus.pooled[rows]
    if design.centre:
        shift = (
            np.stack([centres.get(str(lang), np.zeros(x.shape[1], np.float32)) for lang in corpus.langs[rows]])
            if len(rows)
            else np.zeros_like(x)
        )
        x = _normalise_blocks(x - shift, corpus.hidden)
    if design.keywords == "label":
        x = np.hstack([x, design.keyword_weight * corpus.label_hits[rows]])
    elif design.keywords == "term":
        x = np.hstack([x, design.keyword_weight * corpus.term_hits[rows][:, terms]])
    return np.asarray(x, np.float32)


def _targets(design: Design, corpus: Corpus, rows: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The label matrix, plus an "any fraud" column last when the design has the fraud family."""
    y = corpus.y[rows]
    if not design.fraud_family:
        return y, []
    idx = [corpus.labels.index(lab) for lab in FRAUD_FAMILY]
    return np.hstack([y, y[:, idx].max(axis=1, keepdims=True)]), idx


@dataclass
class _Raw:
    """Uncalibrated heads fitted on some rows (scores are ridge outputs, not probabilities)."""

    heads: linear.LinearHeads
    fraud_heads: linear.LinearHeads | None
    centres: dict[str, np.ndarray]
    terms: np.ndarray


def _fit_raw(design: Design, corpus: Corpus, rows: np.ndarray) -> _Raw:
    centres = language_centres(corpus, rows) if design.centre else {}
    terms = select_terms(corpus, rows, design.term_precision) if design.keywords == "term" else np.zeros(0, int)
    x = features(design, corpus, rows, centres, terms)
    y, idx = _targets(design, corpus, rows)
    fit = linear.fit_ridge if design.head == "ridge" else (lambda x_, y_, a: linear.fit_logistic(x_, y_, 1.0 / a))
    heads = fit(x, y, design.alpha)
    fraud = None
    if design.fraud_family:
        member = y[:, -1] > 0
        fraud = fit(x[member], y[member][:, idx], design.alpha)
    return _Raw(heads, fraud, centres, terms)


def _scores(design: Design, raw: _Raw, corpus: Corpus, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    x = features(design, corpus, rows, raw.centres, raw.terms)
    return raw.heads.logits(x), (raw.fraud_heads.logits(x) if raw.fraud_heads is not None else None)


def fit_predictor(design: Design, corpus: Corpus, rows: np.ndarray, *, seed: int = 0) -> Predictor:
    """Heads on `rows`; their sigmoids and thresholds from out-of-fold scores over the same rows
    (inner folds), so nothing is chosen on the items a predictor is later scored on."""
    rows = np.asarray(rows)
    raw = _fit_raw(design, corpus, rows)
    y, idx = _targets(design, corpus, rows)
    folds = stratified_folds(corpus.y[rows], INNER_FOLDS, seed=seed + 1000)
    oof = np.zeros(y.shape)
    oof_fraud = np.zeros((len(rows), len(idx)))
    for k in range(INNER_FOLDS):
        held = folds == k
        inner = _fit_raw(design, corpus, rows[~held])
        s, f = _scores(design, inner, corpus, rows[held])
        oof[held] = s
        if f is not None:
            oof_fraud[held] = f
    slopes = np.array([linear.fit_sigmoid(oof[:, j], y[:, j]) for j in range(y.shape[1])])
    heads = raw.heads.scaled(slopes[:, 0], slopes[:, 1])
    probs = linear.sigmoid(oof * slopes[:, 0] + slopes[:, 1])
    fraud_heads = None
    if design.fraud_family and raw.fraud_heads is not None:
        member = y[:, -1] > 0
        fs = np.array([linear.fit_sigmoid(oof_fraud[member, j], y[member][:, idx[j]]) for j in range(len(idx))])
        fraud_heads = raw.fraud_heads.scaled(fs[:, 0], fs[:, 1])
        any_fraud = probs[:, -1:]
        probs = probs[:, :-1].copy()
        probs[:, idx] = any_fraud * linear.sigmoid(oof_fraud * fs[:, 0] + fs[:, 1])
    pred = Predictor(design, heads, {}, raw.centres, raw.terms, fraud_heads, idx)
    pred.thresholds = _thresholds(design, probs, corpus.y[rows], corpus.langs[rows])
    return pred


def _thresholds(design: Design, probs: np.ndarray, y: np.ndarray, langs: np.ndarray) -> dict[str, np.ndarray]:
    overall = np.array([metrics.best_threshold(probs[:, j], y[:, j]) for j in range(y.shape[1])])
    out = {"*": overall}
    if design.lang_thresholds:
        for lang in np.unique(langs):
            m = langs == lang
            out[str(lang)] = np.array(
                [
                    metrics.best_threshold(probs[m, j], y[m, j]) if y[m, j].sum() >= MIN_LANG_POSITIVES else overall[j]
                    for j in range(y.shape[1])
                ]
            )
    return out


# What `chainwatch train` ships: the variant that won repeated cross-validation (docs/classifier.md).
SHIPPED = Design("ridge, label keywords")

# What `chainwatch evaluate --cv` compares with it (each measured; none beat SHIPPED, see the docs).
VARIANTS = (
    SHIPPED,
    SHIPPED.but("no keywords", keywords="none"),
    SHIPPED.but("keyword per term (precision >= 0.35)", keywords="term"),
    SHIPPED.but("keyword per term (precision >= 0.2)", keywords="term", term_precision=0.2),
    SHIPPED.but("keyword per term, weight 1", keywords="term", keyword_weight=1.0),
    SHIPPED.but("per-language centring", centre=True),
    SHIPPED.but("per-language thresholds", lang_thresholds=True),
    SHIPPED.but("fraud-family hierarchy", fraud_family=True),
    SHIPPED.but("ridge alpha 0.3", alpha=0.3),
    SHIPPED.but("ridge alpha 3", alpha=3.0),
)
