"""Encoder outputs of labelled items, computed once and kept on disk.

Cross-validation fits hundreds of heads but the encoder is frozen, so each item is encoded once: the
pooled features and the number of characters the model read are stored under
CHAINWATCH_HOME/cache/, keyed by a hash of the encoder settings and the converter that built the
encoder (nlp/model_cache.py), and of the exact text the encoder reads. Editing an item's text, the
encoder settings or the converter simply misses the cache (features from another build of the encoder
moved cross-validation by 0.005 macro-F1, docs/classifier.md). The file is replaced
by rename, so an interrupted run never leaves half a cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from chainwatch import config
from nlp import model_cache


def cache_path(encoder_settings: dict[str, Any]) -> Path:
    keyed = {**encoder_settings, "converter": model_cache.converter_fingerprint()}
    key = hashlib.sha256(json.dumps(keyed, sort_keys=True).encode()).hexdigest()[:12]
    return config.home() / "cache" / f"labelled-embeddings-{key}.npz"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def load(path: Path) -> dict[str, tuple[np.ndarray, int]]:
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as z:
            return {str(k): (f, int(c)) for k, f, c in zip(z["keys"], z["features"], z["chars_read"])}
    except (OSError, ValueError, KeyError):  # a damaged cache is rebuilt, not trusted
        return {}


def save(path: Path, entries: dict[str, tuple[np.ndarray, int]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = sorted(entries)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".npz", dir=path.parent)
    os.close(fd)
    try:
        np.savez(
            tmp,
            keys=np.array(keys),
            features=np.stack([entries[k][0] for k in keys]).astype(np.float32),
            chars_read=np.array([entries[k][1] for k in keys], np.int64),
        )
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def encode_cached(
    texts: list[str], encoder_settings: dict[str, Any], make_encoder: Callable[[], Any]
) -> tuple[np.ndarray, list[int]]:
    """Pooled features [texts, 3 * hidden] and characters read per text; encodes only texts not cached.
    `make_encoder()` is called only when something must be encoded."""
    path = cache_path(encoder_settings)
    entries = load(path)
    missing = sorted({text_key(t): t for t in texts if text_key(t) not in entries}.items())
    if missing:
        encoded = make_encoder().encode([t for _, t in missing])
        for (k, _), e in zip(missing, encoded):
            entries[k] = (e.features, e.chars_read)
        save(path, entries)
    got = [entries[text_key(t)] for t in texts]
    return np.stack([f for f, _ in got]).astype(np.float32), [c for _, c in got]
