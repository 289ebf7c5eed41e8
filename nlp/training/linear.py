"""Linear heads for all labels at once: ridge regression to 0/1 targets, then one sigmoid per label.

Why not logistic regression: cross-validation fits several hundred sets of heads on 2 shared cores,
and a logistic regression on 1,152-dimensional features took 2 s per label with scikit-learn (15
labels, 4 fits per fold: about 55 minutes for one 5x5 run of one variant; measured, see
docs/classifier.md). Ridge has a closed form for every label together: one Gram matrix and one
Cholesky solve, about a second. A per-label sigmoid (Platt scaling, fitted on out-of-fold scores)
turns its scores into probabilities, and the result is folded into one weight vector and bias per
label, so inference is unchanged: probability = sigmoid(w . x + b).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class LinearHeads:
    weights: np.ndarray  # [labels, features]
    bias: np.ndarray  # [labels]

    def logits(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(np.atleast_2d(x) @ self.weights.T + self.bias)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return sigmoid(self.logits(x))

    def scaled(self, slope: np.ndarray, intercept: np.ndarray) -> LinearHeads:
        """The heads whose logits are slope * (these logits) + intercept, per label."""
        return LinearHeads(
            (self.weights * slope[:, None]).astype(np.float32), (self.bias * slope + intercept).astype(np.float32)
        )


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the logistic function without overflow


def fit_ridge(x: np.ndarray, y: np.ndarray, alpha: float) -> LinearHeads:
    """Least squares to the 0/1 targets with L2 penalty alpha * |w|^2 (bias not penalised)."""
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    mx, my = x.mean(axis=0), y.mean(axis=0)
    xc = x - mx
    gram = xc.T @ xc
    gram[np.diag_indices_from(gram)] += alpha
    w = np.linalg.solve(gram, xc.T @ (y - my))  # [features, labels]
    return LinearHeads(w.T.astype(np.float32), (my - mx @ w).astype(np.float32))


def fit_sigmoid(scores: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Platt scaling for one label: slope and intercept of p = sigmoid(slope * score + intercept)."""
    from sklearn.linear_model import LogisticRegression  # training only

    t = np.asarray(truth, int)
    if t.min() == t.max():
        return 0.0, (8.0 if t.max() else -8.0)
    model = LogisticRegression(C=100.0).fit(np.asarray(scores, np.float64).reshape(-1, 1), t)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float) -> LinearHeads:
    """One scikit-learn logistic regression per label (the previous model's heads; slow, kept to
    measure against)."""
    from sklearn.linear_model import LogisticRegression  # training only

    w = np.zeros((y.shape[1], x.shape[1]), np.float32)
    b = np.zeros(y.shape[1], np.float32)
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():
            b[j] = 8.0 if y[0, j] else -8.0
            continue
        model = LogisticRegression(C=c, max_iter=2000).fit(x, y[:, j])
        w[j], b[j] = model.coef_[0], model.intercept_[0]
    return LinearHeads(w, b)
