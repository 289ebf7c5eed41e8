"""Repeated stratified cross-validation over the labelled train split, with paired comparisons.

`chainwatch evaluate --cv` runs it. Every variant (nlp/training/design.py) is fitted and scored on
the same folds: `repeats` times, the train items are split into `folds` parts by iterative
stratification (Sechidis et al. 2011: the rarest label's positives are dealt out first, so each part
gets its share of every label, and languages too), each part is scored by a model fitted on the
others, thresholds included (inner folds). Per fold we keep macro-F1; per repeat, the pooled
out-of-fold predictions give per-label, per-language and per-kind figures.

Intervals: fold scores of repeated cross-validation are not independent (the training sets
overlap), so the plain t interval is too narrow. We use Nadeau and Bengio's corrected resampled t
(2003): variance * (1/(r*k) + n_test/n_train), r*k - 1 degrees of freedom, for a variant's mean
and for the paired difference between two variants fold by fold (the honest way to ask "is B better
than A": an interval for the difference that excludes 0).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from nlp.training import design as design_mod
from nlp.training.folds import stratified_folds

KINDS = {  # kind of material, by id prefix (nlp/data/PROVENANCE.md)
    "cryptonews-csv": "news",
    "cryptonews-article": "news",
    "binance-news": "news",
    "yahoo-news": "news",
    "dykstranet": "news",
    "cryptonews-headlines": "news",
    "rss-cfta": "news",
    "sec-enforcement": "regulator",
    "8btc": "forum",
    "uglydog-train": "passage",
    "uglydog-test": "passage",
    "uglydog-dev": "passage",
}


def kind_of(item_id: str) -> str:
    return KINDS.get(item_id.split(":", 1)[0], "other")


def f1_per_label(y: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """F1 per label and which labels have support (a label absent from the items has no F1)."""
    y, pred = np.asarray(y, bool), np.asarray(pred, bool)
    tp = (y & pred).sum(axis=0)
    wrong = (y ^ pred).sum(axis=0)
    f1 = np.where(2 * tp + wrong > 0, 2 * tp / np.maximum(2 * tp + wrong, 1), 0.0)
    return f1, np.asarray(y.any(axis=0))


def macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    f1, supported = f1_per_label(y, pred)
    return float(f1[supported].mean()) if supported.any() else float("nan")


def corrected_interval(scores: np.ndarray, test_share: float, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Nadeau-Bengio corrected t interval of r x k fold scores (or of paired differences)."""
    from scipy import stats  # with scikit-learn; only evaluation needs it

    scores = np.asarray(scores, float)
    m = len(scores)
    mean = float(scores.mean())
    if m < 2:
        return mean, float("nan"), float("nan")
    se = np.sqrt((1.0 / m + test_share / (1.0 - test_share)) * scores.var(ddof=1))
    t = stats.t.ppf(0.5 + level / 2, m - 1)
    return mean, float(mean - t * se), float(mean + t * se)


def bootstrap_interval(
    y: np.ndarray, pred: np.ndarray, *, samples: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float, float]:
    """Macro-F1 on a fixed set (the test split) and a percentile bootstrap interval over its items."""
    rng = np.random.RandomState(seed)
    n = len(y)
    stats_ = [macro_f1(y[idx], pred[idx]) for idx in (rng.randint(0, n, n) for _ in range(samples))]
    lo, hi = np.nanpercentile(stats_, [50 * (1 - level), 50 * (1 + level)])
    return macro_f1(y, pred), float(lo), float(hi)


@dataclass
class VariantResult:
    design: design_mod.Design
    fold_scores: np.ndarray  # [repeats * folds] macro-F1 of each held-out fold
    per_label: np.ndarray  # [labels] F1 of pooled out-of-fold predictions, mean over repeats
    groups: dict[str, float] = field(
        default_factory=dict
    )  # "lang=zh", "kind=news" -> macro-F1 (pooled, mean over repeats)
    pooled: float = 0.0  # macro-F1 of pooled out-of-fold predictions, mean over repeats

    @property
    def lowest(self) -> float:
        return float(self.per_label.min())


@dataclass
class CVReport:
    labels: list[str]
    repeats: int
    folds: int
    items: int
    results: list[VariantResult]
    baseline: str

    def result(self, name: str) -> VariantResult:
        return next(r for r in self.results if r.design.name == name)

    def interval(self, name: str) -> tuple[float, float, float]:
        return corrected_interval(self.result(name).fold_scores, 1.0 / self.folds)

    def difference(self, name: str, against: str | None = None) -> tuple[float, float, float]:
        a = self.result(against or self.baseline).fold_scores
        return corrected_interval(self.result(name).fold_scores - a, 1.0 / self.folds)

    def table(self) -> str:
        lines = [
            f"{self.repeats}x{self.folds} stratified CV over {self.items} train items; macro-F1 per held-out fold, "
            f"mean with 95% corrected-t interval; difference to '{self.baseline}', paired by fold",
            f"{'variant':40s} {'macro-F1':>8s} {'interval':>15s} {'vs baseline':>22s} {'pooled':>7s} {'lowest':>7s}",
        ]
        for r in self.results:
            m, lo, hi = self.interval(r.design.name)
            if r.design.name == self.baseline:
                diff = "-"
            else:
                d, dlo, dhi = self.difference(r.design.name)
                diff = f"{d:+.3f} [{dlo:+.3f}, {dhi:+.3f}]"
            lines.append(
                f"{r.design.name:40s} {m:8.3f} [{lo:.3f}, {hi:.3f}] {diff:>22s} {r.pooled:7.3f} {r.lowest:7.3f}"
            )
        groups = sorted({g for r in self.results for g in r.groups})
        lines += ["", f"{'pooled macro-F1 by group':40s}" + "".join(f"{g[:12]:>13s}" for g in groups)]
        for r in self.results:
            lines.append(f"{r.design.name:40s}" + "".join(f"{r.groups.get(g, float('nan')):13.3f}" for g in groups))
        lines += ["", f"{'F1 per label (pooled)':28s}" + "".join(f"{r.design.name[:12]:>13s}" for r in self.results)]
        for j, lab in enumerate(self.labels):
            lines.append(f"{lab:28s}" + "".join(f"{r.per_label[j]:13.3f}" for r in self.results))
        return "\n".join(lines)


def run(
    designs: list[design_mod.Design],
    corpus: design_mod.Corpus,
    kinds: np.ndarray,
    *,
    repeats: int = 5,
    folds: int = 5,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    train_only: np.ndarray | None = None,
) -> CVReport:
    """Score every design on the same repeats x folds of all items in `corpus`.

    `train_only` (a boolean mask) marks items that join every training part and are never scored: the
    folds, and so the scores, are those of the other items alone, so a run with new items marked
    train_only pairs fold by fold with a run without them (does the new data help on the old items?)."""
    scored = np.ones(len(corpus.y), bool) if train_only is None else ~np.asarray(train_only, bool)
    idx = np.flatnonzero(scored)
    n = len(idx)
    langs = corpus.langs[idx]
    lang_onehot = np.stack([langs == lang for lang in np.unique(langs)], axis=1)
    splits = []
    for r in range(repeats):
        fold_of = np.full(len(corpus.y), -1)  # -1: train_only, in every training part
        fold_of[idx] = stratified_folds(corpus.y[idx], folds, seed=seed + r, extra=lang_onehot)
        splits.append(fold_of)
    y, kinds = corpus.y[idx], np.asarray(kinds)[idx]
    results = []
    for d in designs:
        fold_scores, per_label, pooled_scores = [], [], []
        group_scores: dict[str, list[float]] = {}
        for r, fold_of in enumerate(splits):
            pred = np.zeros(corpus.y.shape, bool)
            for k in range(folds):
                test = np.flatnonzero(fold_of == k)
                model = design_mod.fit_predictor(d, corpus, np.flatnonzero(fold_of != k), seed=seed + r * folds + k)
                pred[test] = model.predict(corpus, test)
                fold_scores.append(macro_f1(corpus.y[test], pred[test]))
                if progress:
                    progress(
                        f"{d.name}: repeat {r + 1}/{repeats}, fold {k + 1}/{folds}: macro-F1 {fold_scores[-1]:.3f}"
                    )
            pred = pred[idx]
            per_label.append(f1_per_label(y, pred)[0])
            pooled_scores.append(macro_f1(y, pred))
            for name, values in (("lang", langs), ("kind", kinds)):
                for v in np.unique(values):
                    m = values == v
                    group_scores.setdefault(f"{name}={v}", []).append(macro_f1(y[m], pred[m]))
        results.append(
            VariantResult(
                d,
                np.array(fold_scores),
                np.mean(per_label, axis=0),
                {g: float(np.mean(s)) for g, s in group_scores.items()},
                float(np.mean(pooled_scores)),
            )
        )
    return CVReport(list(corpus.labels), repeats, folds, n, results, designs[0].name)
