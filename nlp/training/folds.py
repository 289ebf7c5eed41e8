"""Iterative stratification of a multi-label matrix into folds (Sechidis, Tsoumakas and Vlahavas 2011):
the rarest label's positives are dealt out first, each to the fold that still wants most of that
label, so every fold gets its share of every label (and of any extra columns, such as language)."""

from __future__ import annotations

import numpy as np


def stratified_folds(y: np.ndarray, k: int, *, seed: int, extra: np.ndarray | None = None) -> np.ndarray:
    """Fold index per item, by iterative stratification of the label matrix y ([items, labels]).
    `extra` columns (e.g. one-hot language) are stratified too; items with no label at all are
    dealt out as a label of their own."""
    y = np.asarray(y, bool)
    cols = [y, ~y.any(axis=1, keepdims=True)] + ([np.asarray(extra, bool)] if extra is not None else [])
    m = np.hstack(cols)
    rng = np.random.RandomState(seed)
    n = len(m)
    fold = np.full(n, -1)
    want = np.tile(m.sum(axis=0) / k, (k, 1)).astype(float)
    room = np.full(k, n / k)
    left = np.ones(n, bool)
    order = rng.permutation(n)
    while left.any():
        counts = m[left].sum(axis=0)
        if not counts.any():  # items with no column at all: only possible when extra is empty
            for i in order[left[order]]:
                f = _choose(room, rng)
                fold[i], room[f], left[i] = f, room[f] - 1, False
            break
        col = int(np.where(counts > 0, counts, np.iinfo(np.int64).max).argmin())
        for i in order:
            if left[i] and m[i, col]:
                best = np.flatnonzero(want[:, col] == want[:, col].max())
                f = _choose(room, rng, best)
                fold[i], room[f], left[i] = f, room[f] - 1, False
                want[f] -= m[i]
    return fold


def _choose(room: np.ndarray, rng: np.random.RandomState, among: np.ndarray | None = None) -> int:
    among = np.arange(len(room)) if among is None else among
    top = among[room[among] == room[among].max()]
    return int(top[rng.randint(len(top))])
