"""The text encoder: multilingual-e5-small as int8 ONNX, pooled three ways, with per-span vectors for evidence.

One forward pass gives the document vector (mean of all token states, as E5 is trained), the features
the heads read (that mean, the mean of the lead tokens, and the element-wise max over tokens) and the
same three poolings per sentence (in context), so evidence costs no second pass. The lead pooling keeps
the headline and first sentence, which decide an item's main subject, from being averaged away in a
long text; the max pooling keeps a strong local signal (one sentence on a hack in a long article).
Together they added 0.015-0.03 dev macro-F1 over the mean alone (docs/classifier.md).
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nlp import model_cache
from nlp.convert import STAMP_KEY

log = logging.getLogger(__name__)

PASSAGE = "passage: "  # E5's prefix for documents
QUERY = "query: "  # ... and for short queries (label descriptions in the zero-shot baseline)


LEAD_TOKENS = 32  # the prefix, the headline and about a sentence (measured best of 16 / 32 / 64)


@dataclass
class Encoded:
    vector: np.ndarray  # [hidden] L2-normalised document vector (mean pooling)
    features: np.ndarray  # [3 * hidden] mean | lead | max poolings, each L2-normalised
    span_features: np.ndarray  # [k, 3 * hidden] the same for each span the model read (lead = the span)
    span_index: list[int]  # which of the given spans each row of span_features is
    tokens_read: int  # tokens fed to the model, special tokens included
    tokens_total: int  # tokens the whole text has
    chars_read: int  # characters of the text those tokens cover
    extra: dict = field(default_factory=dict)

    @property
    def truncated(self) -> bool:
        return self.tokens_total > self.tokens_read


def _available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class Encoder:
    def __init__(
        self,
        onnx_file: Path,
        tokenizer_file: Path,
        *,
        max_tokens: int = 256,
        threads: int | None = None,
        lead_tokens: int = LEAD_TOKENS,
    ):
        import onnxruntime as ort  # onnxruntime/tokenizers: only when the encoder is first used
        from tokenizers import Tokenizer  # onnxruntime/tokenizers: only when the encoder is first used

        self.onnx_file = onnx_file
        self.max_tokens = max_tokens
        self.lead_tokens = lead_tokens
        self.workers = threads or _available_cores()
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()  # truncation is done here, so the total length is known
        opts = ort.SessionOptions()
        # One thread per forward pass, one pass per core at a time: on 2 cores this used 25-35% less
        # CPU per item than two threads inside each pass (small matrices split poorly), measured.
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # onnxruntime's CPU SkipLayerNormalization kernel took 0.42 ms on a [256, 384] input where Add +
        # LayerNormalization take 0.05 ms (onnxruntime 1.32, measured): 24 of them were a quarter of a
        # 256-token pass. The file is built without that fusion (nlp/convert.py); keep the session from
        # fusing it back.
        self.session = ort.InferenceSession(
            str(onnx_file), opts, providers=["CPUExecutionProvider"], disabled_optimizers=["SkipLayerNormFusion"]
        )
        # which converter built the file (nlp/model_cache.py names the cache by it; a file passed in by
        # hand may come from elsewhere, and an older build ran at a third of the speed)
        self.converter = self.session.get_modelmeta().custom_metadata_map.get(STAMP_KEY, "unknown")
        if self.converter != model_cache.converter_fingerprint():
            log.warning(
                "%s was built by converter %s, not by this tree's (%s): its speed and outputs may differ",
                onnx_file,
                self.converter,
                model_cache.converter_fingerprint(),
            )

    def encode(
        self, texts: list[str], spans: list[list[tuple[int, int]]] | None = None, *, prefix: str = PASSAGE
    ) -> list[Encoded]:
        """Encode texts; `spans[i]` are (start, end) character ranges of texts[i] to pool separately.

        One forward pass per text, on purpose: the int8 model quantises activations with one scale per
        input tensor, so in a padded batch an item's vector (and, near a threshold, its labels) would
        depend on its batch-mates. Alone, an item always gets the same result, and on CPU it was not
        slower (no padding to compute). Passes run in parallel threads (onnxruntime releases the GIL).
        """
        spans = spans or [[] for _ in texts]
        jobs = list(zip(self.tokenizer.encode_batch([prefix + t for t in texts]), spans))

        def one(job) -> Encoded:
            enc, text_spans = job
            ids, offsets = enc.ids, enc.offsets
            if len(ids) > self.max_tokens:  # keep <s> + the first tokens + </s>
                keep = self.max_tokens - 1
                ids, offsets = ids[:keep] + [ids[-1]], offsets[:keep] + [(0, 0)]
            input_ids = np.array([ids], dtype=np.int64)
            hidden = self.session.run(None, {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)})[0][0]
            return _pool(hidden, offsets, text_spans, len(prefix), len(enc.ids), self.lead_tokens)

        if self.workers == 1 or len(jobs) < 2:
            return [one(job) for job in jobs]
        with ThreadPoolExecutor(self.workers) as pool:
            return list(pool.map(one, jobs))


def _normalise(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norm, 1e-12)


def _pool(
    states: np.ndarray,
    offsets: list[tuple[int, int]],
    spans: list[tuple[int, int]],
    shift: int,
    total: int,
    lead_tokens: int,
) -> Encoded:
    mean = _normalise(states.mean(axis=0))
    features = np.concatenate([mean, _normalise(states[:lead_tokens].mean(axis=0)), _normalise(states.max(axis=0))])
    # A token belongs to the span holding its first character (offsets count the prefix too).
    starts = np.array([a - shift if b > a else -1 for a, b in offsets])
    span_rows, span_index = [], []
    for k, (a, b) in enumerate(spans):
        member = (starts >= a) & (starts < b)
        if member.any():
            span_mean = _normalise(states[member].mean(axis=0))
            span_rows.append(np.concatenate([span_mean, span_mean, _normalise(states[member].max(axis=0))]))
            span_index.append(k)
    hidden = states.shape[1]
    span_features = np.array(span_rows, np.float32) if span_rows else np.zeros((0, 3 * hidden), np.float32)
    chars_read = max((b - shift for a, b in offsets if b > a), default=0)
    return Encoded(mean, features.astype(np.float32), span_features, span_index, len(offsets), total, chars_read)


def load_encoder(*, layers: int = 12, max_tokens: int = 256, lead_tokens: int = LEAD_TOKENS) -> Encoder:
    """The int8 ONNX encoder from the model cache (converted on first use: about a minute)."""

    return Encoder(
        model_cache.ensure_onnx(layers), model_cache.tokenizer_path(), max_tokens=max_tokens, lead_tokens=lead_tokens
    )
