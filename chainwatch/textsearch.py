"""Text preparation for PostgreSQL full-text search, shared by storage (write) and search (read).

PostgreSQL has no Chinese parser, so Chinese text is segmented with jieba (search mode, which
also emits the shorter words inside long ones) and stored as space-separated tokens in
`articles.zh_tokens`, indexed with the 'simple' configuration. Queries go through the same
segmentation, so both sides agree on word boundaries.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KEEP = re.compile(r"\w", re.UNICODE)


def has_cjk(text: str | None) -> bool:
    return bool(text and _CJK.search(text))


@lru_cache(maxsize=1)
def _jieba():
    import jieba  # jieba is slow to import; only Chinese text needs it

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def zh_words(text: str) -> list[str]:
    """jieba's precise-mode words of `text` (for splitting a query into its words)."""
    return list(_jieba().cut(text))


def zh_tokens(text: str | None) -> str | None:
    """Space-separated search tokens for text containing Chinese; None when it has none."""
    if not has_cjk(text):
        return None
    words = (w.strip() for w in _jieba().cut_for_search(text))
    return " ".join(w for w in words if w and _KEEP.search(w)) or None
