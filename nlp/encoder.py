"""The text encoder: multilingual-e5-small as int8 ONNX, mean-pooled, with per-span vectors for evidence.

One forward pass gives both the document vector (mean of all token states, as E5 is trained) and one
vector per sentence (mean of that sentence's token states, in context), so evidence costs no second
pass.
"""
from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

PASSAGE = "passage: "  # E5's prefix for documents
QUERY = "query: "      # ... and for short queries (label descriptions in the zero-shot baseline)


@dataclass
class Encoded:
    vector: np.ndarray                 # [hidden] L2-normalised document vector
    span_vectors: np.ndarray           # [k, hidden] L2-normalised vectors of the spans the model read
    span_index: list[int]              # which of the given spans each row of span_vectors is
    tokens_read: int                   # tokens fed to the model, special tokens included
    tokens_total: int                  # tokens the whole text has
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
    def __init__(self, onnx_file: Path, tokenizer_file: Path, *, max_tokens: int = 256, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.max_tokens = max_tokens
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
        self.session = ort.InferenceSession(str(onnx_file), opts, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], spans: list[list[tuple[int, int]]] | None = None, *,
               prefix: str = PASSAGE) -> list[Encoded]:
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
            hidden = self.session.run(None, {"input_ids": input_ids,
                                             "attention_mask": np.ones_like(input_ids)})[0][0]
            return _pool(hidden, offsets, text_spans, len(prefix), len(enc.ids))

        if self.workers == 1 or len(jobs) < 2:
            return [one(job) for job in jobs]
        with ThreadPoolExecutor(self.workers) as pool:
            return list(pool.map(one, jobs))


def _normalise(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norm, 1e-12)


def _pool(states: np.ndarray, offsets: list[tuple[int, int]], spans: list[tuple[int, int]],
          shift: int, total: int) -> Encoded:
    vector = _normalise(states.mean(axis=0))
    # A token belongs to the span holding its first character (offsets count the prefix too).
    starts = np.array([a - shift if b > a else -1 for a, b in offsets])
    span_rows, span_index = [], []
    for k, (a, b) in enumerate(spans):
        member = (starts >= a) & (starts < b)
        if member.any():
            span_rows.append(states[member].mean(axis=0))
            span_index.append(k)
    span_vectors = _normalise(np.array(span_rows)) if span_rows else np.zeros((0, states.shape[1]), np.float32)
    return Encoded(vector, span_vectors, span_index, len(offsets), total)


def load_encoder(*, layers: int = 12, max_tokens: int = 256) -> Encoder:
    """The int8 ONNX encoder from the model cache (converted on first use: about a minute)."""
    from nlp import model_cache

    return Encoder(model_cache.ensure_onnx(layers), model_cache.tokenizer_path(), max_tokens=max_tokens)
