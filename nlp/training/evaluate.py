"""`chainwatch evaluate`: run the trained classifier on labelled items and score it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chainwatch.contracts import ClassifierInput
from nlp import metrics
from nlp.classifier import Classifier, load_classifier
from nlp.training import crossval, design, labelled


@dataclass
class EvaluationResult:
    model_version: str
    split: str | None
    overall: metrics.Metrics
    by_lang: dict[str, metrics.Metrics]

    def report(self) -> str:
        rows = []
        for name, m in [("all", self.overall), *self.by_lang.items()]:
            rows.append(f"{name}: {m.items} items, macro-F1 {m.macro_f1:.3f}, micro-F1 {m.micro_f1:.3f}")
        head = f"model {self.model_version}, split {self.split or 'all'}"
        lines = [head, "", "label".ljust(28) + "precision  recall      F1  support"]
        for s in self.overall.per_label:
            lines.append(f"{s.label:<28}{s.precision:9.3f}{s.recall:8.3f}{s.f1:8.3f}{s.support:9d}")
        lines.append(f"{'macro F1':<28}{'':17}{self.overall.macro_f1:8.3f}")
        lines.append(f"{'micro F1':<28}{'':17}{self.overall.micro_f1:8.3f}")
        if self.by_lang:  # per label and language side by side (support: all languages)
            labels = [s.label for s in self.overall.per_label]
            rows += ["", metrics.table({"all": self.overall, **self.by_lang}, labels)]
        return "\n".join(lines + [""] + rows)


def evaluate(
    path: Path | str | None = None, *, split: str | None = "test", classifier: Classifier | None = None
) -> EvaluationResult:
    """Score the classifier on the items of `split` (None: every item) in a labelled JSONL file."""
    clf = classifier or load_classifier()
    items = labelled.load(path, split=split)
    if not items:
        raise labelled.LabelledDataError(f"no labelled items{f' in split {split!r}' if split else ''} in {path}")
    outputs = clf.predict([ClassifierInput(it.id, it.title, it.text, it.lang) for it in items])
    labels = clf.labels
    y = labelled.label_matrix(items, labels)
    index = {lid: j for j, lid in enumerate(labels)}
    pred = np.zeros_like(y)
    for i, out in enumerate(outputs):
        for lid in out.labels:
            pred[i, index[lid]] = 1
    langs = np.array([it.lang or "?" for it in items])
    by_lang = {
        f"lang={lang}": metrics.score(y[langs == lang], pred[langs == lang], labels)
        for lang in sorted(set(langs))
        if len(set(langs)) > 1
    }
    return EvaluationResult(clf.version, split, metrics.score(y, pred, labels), by_lang)


def cross_validate(
    path: Path | str | None = None,
    *,
    repeats: int = 5,
    folds: int = 5,
    variants: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> crossval.CVReport:
    """`chainwatch evaluate --cv`: repeated stratified cross-validation of the model variants
    (nlp/training/design.py) over the train split; the test split is left out."""
    from nlp.training.train import load_corpus  # the encoder stack, only for this command

    chosen = [d for d in design.VARIANTS if variants is None or d.name in variants]
    unknown = sorted(set(variants or ()) - {d.name for d in design.VARIANTS})
    if unknown or not chosen:
        raise labelled.LabelledDataError(
            f"unknown variant(s) {unknown}; known: {', '.join(d.name for d in design.VARIANTS)}"
        )
    lc = load_corpus(path)
    rows = lc.rows("train")
    return crossval.run(chosen, lc.corpus.subset(rows), lc.kinds[rows], repeats=repeats, folds=folds, progress=progress)
