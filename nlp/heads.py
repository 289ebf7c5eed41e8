"""Per-label logistic-regression heads on frozen encoder vectors, with per-label thresholds.

A head is one weight vector and bias per label: probability = sigmoid(w . x + b), positive when the
probability reaches the label's threshold. Thresholds are chosen to maximise F1 on out-of-fold
predictions over the train split, so the dev split stays unseen until evaluation. The out-of-fold
predictions of three different fold splits are pooled: with 20-60 positives per label, the F1-optimal
threshold of a single split moves with the split (dev macro-F1 0.64-0.67 across seeds, measured),
pooled it is steadier.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.metrics import best_threshold

DEFAULT_C = 16.0  # inverse L2 strength when none is given (`chainwatch train` picks C by cross-validation)
FOLDS = 5
REPEATS = 3  # fold splits pooled for threshold selection


@dataclass
class Heads:
    labels: list[str]
    weights: np.ndarray  # [labels, hidden]
    bias: np.ndarray  # [labels]
    thresholds: np.ndarray  # [labels]

    def logits(self, x: np.ndarray) -> np.ndarray:
        return np.atleast_2d(x) @ self.weights.T + self.bias

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(x)))

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.probabilities(x) >= self.thresholds

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            path,
            labels=np.array(self.labels),
            weights=self.weights.astype(np.float32),
            bias=self.bias.astype(np.float32),
            thresholds=self.thresholds.astype(np.float32),
        )

    @classmethod
    def load(cls, path: Path) -> Heads:
        with np.load(path, allow_pickle=False) as z:
            return cls([str(s) for s in z["labels"]], z["weights"], z["bias"], z["thresholds"])


def _fit_one(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression  # scikit-learn: only training fits heads

    if y.min() == y.max():  # a label with no positive (or no negative) example: a constant head
        return np.zeros(x.shape[1], np.float32), (8.0 if y.max() else -8.0)
    # No class weighting: the per-label threshold does the rebalancing (weighting measured no better).
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(x, y)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def fit(x: np.ndarray, y: np.ndarray, labels: list[str], *, c: float = DEFAULT_C) -> Heads:
    """One head per label on all of x, y; thresholds 0.5 (see calibrate)."""
    parts = [_fit_one(x, y[:, j], c) for j in range(len(labels))]
    return Heads(
        list(labels),
        np.stack([w for w, _ in parts]),
        np.array([b for _, b in parts], np.float32),
        np.full(len(labels), 0.5, np.float32),
    )


def out_of_fold_probabilities(
    x: np.ndarray, y: np.ndarray, labels: list[str], *, c: float = DEFAULT_C, folds: int = FOLDS, seed: int = 0
) -> np.ndarray:
    """Each train item scored by heads that did not see it ([items, labels])."""
    rng = np.random.RandomState(seed)
    fold_of = rng.permutation(len(x)) % folds
    probs = np.zeros(y.shape, np.float32)
    for k in range(folds):
        held = fold_of == k
        probs[held] = fit(x[~held], y[~held], labels, c=c).probabilities(x[held])
    return probs


def calibrate(heads: Heads, oof_probs: np.ndarray, y: np.ndarray) -> Heads:
    """Per-label thresholds maximising F1 on out-of-fold probabilities (rows may repeat items)."""
    heads.thresholds = np.array(
        [best_threshold(oof_probs[:, j], y[:, j]) for j in range(len(heads.labels))], np.float32
    )
    return heads


def train(x: np.ndarray, y: np.ndarray, labels: list[str], *, c: float = DEFAULT_C, repeats: int = REPEATS) -> Heads:
    oof = np.concatenate([out_of_fold_probabilities(x, y, labels, c=c, seed=seed) for seed in range(repeats)])
    return calibrate(fit(x, y, labels, c=c), oof, np.concatenate([y] * repeats))
