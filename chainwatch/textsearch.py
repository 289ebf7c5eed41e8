"""Text preparation for PostgreSQL full-text search, shared by storage (write), search and alert
rules (read): one way to turn a query into a tsquery.

PostgreSQL has no Chinese parser, so Chinese text is segmented with jieba (search mode, which
also emits the shorter words inside long ones) and stored as space-separated tokens in
`articles.zh_tokens`, indexed with the 'simple' configuration. Queries go through the same
segmentation, so both sides agree on word boundaries.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from chainwatch.sqlfiles import statement

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KEEP = re.compile(r"\w", re.UNICODE)
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


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


# -- a query -> its tsquery (`chainwatch search`, alert rules) -----------------------------------


def _cover(word: str, subs: list[str]) -> list[str]:
    """Fewest sub-words that tile `word` exactly (in order); [] when they cannot."""
    n = len(word)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        for s in subs:
            j = i + len(s)
            there = best[j] if j <= n else None
            if word.startswith(s, i) and (there is None or len(there) > len(here) + 1):
                best[j] = here + [s]
    return best[n] or []


def zh_query_words(text: str) -> list[tuple[str, str]]:
    """(word, covering sub-words joined by spaces or '') for each Chinese word of a query."""
    groups: list[tuple[str, str]] = []
    for run in _CJK_RUN.findall(text):
        for word in zh_words(run):
            word = word.strip()
            if not word or not _KEEP.search(word):
                continue
            subs = [t for t in (zh_tokens(word) or "").split() if t != word and len(t) < len(word)]
            groups.append((word, " ".join(_cover(word, subs))))
    return groups


def split_query(query: str) -> tuple[str, list[tuple[str, str]]]:
    """The English (non-Chinese) part of a query and its Chinese word groups."""
    return _CJK_RUN.sub(" ", query), zh_query_words(query)


def tsquery_text(cur: Any, query: str) -> str:
    """The text form of the tsquery for `query` (sql/search/tsquery.sql), '' when it has no
    searchable word (only stop words or punctuation)."""
    en, groups = split_query(query)
    cur.execute(
        statement("search", "tsquery"),
        {"en": en, "zh_words": [w for w, _ in groups], "zh_parts": [p for _, p in groups]},
    )
    return str(cur.fetchone()[0] or "")
