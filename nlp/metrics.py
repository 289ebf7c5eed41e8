"""Multi-label metrics: per-label precision / recall / F1, micro and macro F1, and a text table."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int  # true positives + false negatives
    predicted: int  # true positives + false positives


@dataclass
class Metrics:
    per_label: list[LabelScore]
    micro_f1: float
    macro_f1: float
    items: int

    @property
    def min_f1(self) -> float:
        return min((s.f1 for s in self.per_label if s.support), default=0.0)

    def f1_of(self, label: str) -> float:
        return next(s.f1 for s in self.per_label if s.label == label)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["per_label"] = {s["label"]: {k: v for k, v in s.items() if k != "label"} for s in d["per_label"]}
        return d


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(y_true: np.ndarray, y_pred: np.ndarray, labels: list[str]) -> Metrics:
    """Macro F1 averages over labels that have support in y_true (a label absent from the set has no F1)."""
    y_true, y_pred = np.asarray(y_true, bool), np.asarray(y_pred, bool)
    per, tps, fps, fns = [], 0, 0, 0
    for j, label in enumerate(labels):
        tp = int((y_true[:, j] & y_pred[:, j]).sum())
        fp = int((~y_true[:, j] & y_pred[:, j]).sum())
        fn = int((y_true[:, j] & ~y_pred[:, j]).sum())
        p, r, f = _f1(tp, fp, fn)
        per.append(LabelScore(label, round(p, 4), round(r, 4), round(f, 4), tp + fn, tp + fp))
        tps, fps, fns = tps + tp, fps + fp, fns + fn
    supported = [s.f1 for s in per if s.support]
    return Metrics(
        per,
        round(_f1(tps, fps, fns)[2], 4),
        round(float(np.mean(supported)) if supported else 0.0, 4),
        int(len(y_true)),
    )


def best_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """The threshold on `scores` that maximises F1 for one label (midpoint between neighbouring scores,
    so it does not sit exactly on a training item)."""
    truth = np.asarray(truth, bool)
    if not truth.any():
        return float(scores.max() + 1e-6) if len(scores) else 0.5
    order = np.argsort(-scores)
    s, t = scores[order], truth[order]
    tp = np.cumsum(t)
    fp = np.cumsum(~t)
    f1 = 2 * tp / (tp + fp + t.sum())
    # only cut between distinct scores
    valid = np.append(s[:-1] > s[1:], True)
    k = int(np.argmax(np.where(valid, f1, -1)))
    return float((s[k] + s[k + 1]) / 2) if k + 1 < len(s) else float(s[k] - 1e-6)


def table(columns: dict[str, Metrics], labels: list[str]) -> str:
    """Per-label F1 side by side for several systems, then macro / micro F1 and the weakest label."""
    names = list(columns)
    width = max(len(label) for label in labels + ["macro F1"]) + 2
    head = "label".ljust(width) + "".join(n[:14].rjust(15) for n in names) + "  support"
    lines = [head, "-" * len(head)]
    first = columns[names[0]]
    for label in labels:
        support = next(s.support for s in first.per_label if s.label == label)
        cells = "".join(f"{columns[n].f1_of(label):15.3f}" if support else f"{'-':>15}" for n in names)
        lines.append(label.ljust(width) + cells + f"  {support:7d}")
    lines.append("-" * len(head))
    lines.append("macro F1".ljust(width) + "".join(f"{columns[n].macro_f1:15.3f}" for n in names))
    lines.append("micro F1".ljust(width) + "".join(f"{columns[n].micro_f1:15.3f}" for n in names))
    lines.append("lowest label F1".ljust(width) + "".join(f"{columns[n].min_f1:15.3f}" for n in names))
    return "\n".join(lines)
