"""Per-label linear heads on frozen encoder features, with per-label thresholds (inference side).

A head is one weight vector and bias per label: probability = sigmoid(w . x + b), positive when the
probability reaches the label's threshold. `chainwatch train` fits them (nlp/training/design.py:
ridge regression, a sigmoid per label and thresholds from out-of-fold scores over the train split).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


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
