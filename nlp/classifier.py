"""The classifier: encoder + per-label heads + thresholds, with evidence sentences for each positive label.

`load_classifier()` reads the committed artefacts in nlp/model/ (heads.npz, model.json) and builds the
encoder on first use (nlp/model_cache.py). `predict` never fails a batch: each item gets a status.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from chainwatch import taxonomy
from chainwatch.contracts import ClassifierInput, ClassifierOutput
from chainwatch.errors import ChainWatchError
from nlp import features
from nlp.encoder import Encoded, Encoder, load_encoder
from nlp.heads import Heads
from nlp.text import PreparedText, prepare

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).parent / "model"
HEADS_FILE = "heads.npz"
INFO_FILE = "model.json"
EVIDENCE_SENTENCES = 2  # at most this many sentences per positive label
EVIDENCE_MAX_CHARS = 400  # ... and at most this long in all


class ModelNotTrained(ChainWatchError):
    pass


@dataclass(frozen=True)
class ModelInfo:
    """model.json: what the heads were trained on and how to rebuild their input."""

    version: str
    encoder: dict  # name, layers, max_tokens, ...
    keyword_weight: float
    keywords: dict[str, dict[str, list]]  # label -> language -> keywords, as trained
    raw: dict

    @classmethod
    def read(cls, path: Path) -> ModelInfo:
        raw = json.loads(path.read_text(encoding="utf-8"))
        try:
            feats = raw["features"]
            int(raw["encoder"]["lead_tokens"])  # heads from before the three poolings cannot read today's features
            return cls(raw["version"], raw["encoder"], float(feats["keyword_weight"]), feats["keywords"], raw)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelNotTrained(f"{path} is incomplete ({exc!r}): run `chainwatch train`") from exc

    @property
    def encoder_description(self) -> str:
        e = self.encoder
        return f"{e['name']} ({e['layers']} layers, int8 ONNX, {e['max_tokens']} tokens)"


class Classifier:
    def __init__(
        self,
        heads: Heads,
        info: ModelInfo,
        labels: tuple[taxonomy.Label, ...] | None = None,
        encoder: Encoder | None = None,
    ):
        self.info = info
        self.version = info.version
        all_labels = labels or taxonomy.load()
        by_id = {lab.id: lab for lab in all_labels}
        # Score only labels that are both in the taxonomy and trained; say which are not.
        missing = [lab.id for lab in all_labels if lab.id not in heads.labels]
        dropped = [lid for lid in heads.labels if lid not in by_id]
        if missing:
            log.warning("no trained head for label(s) %s: run `chainwatch train`", ", ".join(missing))
        if dropped:
            log.warning("ignoring head(s) for label(s) no longer in the taxonomy: %s", ", ".join(dropped))
        # keyword features: the keywords and label order the heads were trained with (model.json)
        self.feature_labels = tuple(
            taxonomy.Label(lid, "risk", lid, lid, {lang: tuple(w) for lang, w in info.keywords.get(lid, {}).items()})
            for lid in heads.labels
        )
        self.heads = heads
        self.scored = [j for j, lid in enumerate(heads.labels) if lid in by_id]
        self._encoder = encoder
        self._lock = threading.Lock()

    @property
    def encoder(self) -> Encoder:
        with self._lock:  # built once, on first use: version lookups need no encoder
            if self._encoder is None:
                e = self.info.encoder
                self._encoder = load_encoder(
                    layers=int(e["layers"]), max_tokens=int(e["max_tokens"]), lead_tokens=int(e["lead_tokens"])
                )
            return self._encoder

    @property
    def labels(self) -> list[str]:
        return [self.heads.labels[j] for j in self.scored]

    @property
    def embedding_version(self) -> str:
        """Names the vectors `embed` (and predict's extra["lead_vector"]) give: same name, comparable vectors."""
        e = self.info.encoder
        return f"{e['name']}-l{e['layers']}-t{e['max_tokens']}-lead{e['lead_tokens']}"

    def embed(self, items: list[ClassifierInput]) -> list[np.ndarray | None]:
        """Each item's lead vector (see `lead_vector`), None where it cannot be read or encoded:
        the same vector `predict` gives, for items classified before it gave one."""
        prepared = [prepare(it.title, it.text, it.lang) for it in items]
        readable = [i for i, p in enumerate(prepared) if p.readable]
        got = dict(zip(readable, self._encode_each([prepared[i] for i in readable])))
        return [
            lead_vector(enc) if isinstance(enc, Encoded) else None for enc in (got.get(i) for i in range(len(items)))
        ]

    def features(self, vectors: np.ndarray, texts: list[str]) -> np.ndarray:
        return features.build(vectors, texts, self.feature_labels, self.info.keyword_weight)

    def predict(self, items: list[ClassifierInput]) -> list[ClassifierOutput]:
        prepared = [prepare(it.title, it.text, it.lang) for it in items]
        readable = [i for i, p in enumerate(prepared) if p.readable]
        encoded = self._encode_each([prepared[i] for i in readable])
        outputs: list[ClassifierOutput] = []
        got = dict(zip(readable, encoded))
        for i, (item, prep) in enumerate(zip(items, prepared)):
            enc = got.get(i)
            if isinstance(enc, Encoded):
                try:
                    outputs.append(self._output(item, prep, enc))
                    continue
                except Exception as exc:  # one odd item must not fail the batch
                    log.exception("classifying item %s failed", item.id)
                    enc = f"classification failed: {exc.__class__.__name__}: {exc}"
            status = prep.status if not prep.readable else "error"
            detail = "; ".join(prep.notes) if not prep.readable else str(enc)
            if status == "error":
                log.warning("item %s not classified: %s", item.id, detail)
            outputs.append(ClassifierOutput(item.id, {}, [], {}, self.version, status, detail))
        return outputs

    def _encode_each(self, prepared: list[PreparedText]) -> list[Encoded | str]:
        """Encode all; if the batch fails, encode one by one so only the bad item fails."""
        if not prepared:
            return []
        try:
            return list(self.encoder.encode([p.text for p in prepared], [p.sentences for p in prepared]))
        except Exception as exc:  # noqa: BLE001 (any encoder failure: retry item by item)
            log.warning("batch encoding failed (%s); retrying item by item", exc)
        out: list[Encoded | str] = []
        for p in prepared:
            try:
                out.append(self.encoder.encode([p.text], [p.sentences])[0])
            except Exception as exc:  # noqa: BLE001 (one bad item gets a status, never fails the batch)
                out.append(f"encoding failed: {exc.__class__.__name__}: {exc}")
        return out

    def _output(self, item: ClassifierInput, prep: PreparedText, enc: Encoded) -> ClassifierOutput:
        # keywords count where the model read: a word past the window is not what the item is about
        x = self.features(enc.features[None, :], [prep.text[: enc.chars_read]])
        probs = self.heads.probabilities(x)[0]
        scores = {self.heads.labels[j]: round(float(probs[j]), 4) for j in self.scored}
        positive = [self.heads.labels[j] for j in self.scored if probs[j] >= self.heads.thresholds[j]]
        positive.sort(key=lambda lid: -scores[lid])
        evidence = self._evidence(prep, enc, positive)
        status, notes = prep.status, list(prep.notes)
        if enc.truncated:
            status = "truncated"
            notes.append(f"read the first {enc.tokens_read} of {enc.tokens_total} tokens")
        elif status == "truncated":
            notes.append(f"read the first {len(prep.text)} characters")
        return ClassifierOutput(
            item.id,
            scores,
            positive,
            evidence,
            self.version,
            status,
            "; ".join(notes) or None,
            extra={"tokens": enc.tokens_read, "lead_vector": lead_vector(enc)},
        )

    def _evidence(self, prep: PreparedText, enc: Encoded, positive: list[str]) -> dict[str, str]:
        """For each positive label, the sentences (in context) that its head scores highest."""
        if not positive:
            return {}
        if not enc.span_index:  # nothing sentence-like was read: the start of the text is the evidence
            return {lid: prep.text[:EVIDENCE_MAX_CHARS] for lid in positive}
        sentences = [prep.text[a:b] for a, b in (prep.sentences[k] for k in enc.span_index)]
        s_probs = self.heads.probabilities(self.features(enc.span_features, sentences))
        out = {}
        for lid in positive:
            j = self.heads.labels.index(lid)
            ranked = np.argsort(-s_probs[:, j], kind="stable")
            chosen = [int(ranked[0])]
            for k in ranked[1:EVIDENCE_SENTENCES]:
                # a second sentence only when it also supports the label and fits
                if (
                    s_probs[k, j] >= self.heads.thresholds[j]
                    and len(sentences[chosen[0]]) + len(sentences[k]) < EVIDENCE_MAX_CHARS
                ):
                    chosen.append(int(k))
            out[lid] = " … ".join(sentences[k][:EVIDENCE_MAX_CHARS] for k in sorted(chosen))
        return out


def lead_vector(enc: Encoded) -> np.ndarray:
    """The lead pooling (E5 prefix, title and about a sentence; L2-normalised, float32): what an
    item is about, comparable across English and Chinese, used to link stories across languages."""
    hidden = enc.vector.shape[0]
    return np.ascontiguousarray(enc.features[hidden : 2 * hidden], dtype=np.float32)


def read_model(model_dir: Path | str | None = None) -> tuple[Heads, ModelInfo]:
    model_dir = Path(model_dir or MODEL_DIR)
    if not (model_dir / HEADS_FILE).exists() or not (model_dir / INFO_FILE).exists():
        raise ModelNotTrained(f"no trained model in {model_dir}: run `chainwatch train`")
    return Heads.load(model_dir / HEADS_FILE), ModelInfo.read(model_dir / INFO_FILE)


@lru_cache(maxsize=4)
def _cached(model_dir: str, mtime: float) -> Classifier:
    heads, info = read_model(model_dir)
    return Classifier(heads, info)


def load_classifier(model_dir: Path | str | None = None) -> Classifier:
    """The trained classifier (one per process and model directory; reloaded when model.json changes)."""
    model_dir = Path(model_dir or MODEL_DIR).resolve()
    info = model_dir / INFO_FILE
    if not info.exists():
        raise ModelNotTrained(f"no trained model in {model_dir}: run `chainwatch train`")
    return _cached(str(model_dir), info.stat().st_mtime)
