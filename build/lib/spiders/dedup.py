"""Near-duplicate stories across sources: MinHash signatures and an LSH index over recent articles.

Syndicated copies of one story (an agency wire, a press release republished by several outlets)
get one `story_id`: the id of the first stored article of the cluster. The index is loaded from
`articles.minhash` (most recent rows first), so clustering works across runs and processes; each
article stored adds itself. Two texts are the same story when their estimated Jaccard similarity
over word 3-shingles (character 4-shingles for Chinese) reaches THRESHOLD and, when both have dates,
they were published within MAX_DAYS_APART (recurring templated items like daily price reports are
similar in wording but are different stories).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from datasketch import MinHash, MinHashLSH

from chainwatch.textsearch import has_cjk

NUM_PERM = 64
SCHEME = "affine32"          # datasketch permutation scheme; fixed so stored signatures stay comparable
THRESHOLD = 0.6
MAX_DAYS_APART = 7
LOAD_LIMIT = 50_000          # recent articles loaded into the index
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(title: str, text: str) -> set[bytes]:
    body = unicodedata.normalize("NFKC", f"{title}\n{text}").casefold()
    if has_cjk(body):
        chars = "".join(_WORD.findall(body))
        grams = {chars[i:i + 4] for i in range(max(1, len(chars) - 3))}
    else:
        words = _WORD.findall(body)
        grams = {" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))}
    return {g.encode("utf-8") for g in grams if g}


def signature(title: str, text: str) -> bytes:
    """The MinHash of an article, as stored in articles.minhash (NUM_PERM little-endian uint32)."""
    mh = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    mh.update_batch(list(shingles(title, text)))
    return np.asarray(mh.hashvalues, dtype="<u4").tobytes()


def _minhash(sig: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashvalues=np.frombuffer(sig, dtype="<u4").astype(np.uint32))


@dataclass
class _Entry:
    story_id: int
    published: datetime | None
    minhash: MinHash


class StoryIndex:
    """LSH over article signatures; `assign` returns the story an article belongs to."""

    def __init__(self, threshold: float = THRESHOLD):
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._entries: dict[int, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def load(cls, cur, limit: int = LOAD_LIMIT) -> "StoryIndex":
        index = cls()
        cur.execute(
            "SELECT id, story_id, published_at, minhash FROM articles "
            "WHERE minhash IS NOT NULL AND story_id IS NOT NULL ORDER BY id DESC LIMIT %s", (limit,))
        for article_id, story_id, published, sig in reversed(cur.fetchall()):
            index.add(article_id, story_id, bytes(sig), published)
        return index

    def add(self, article_id: int, story_id: int, sig: bytes, published: datetime | None) -> None:
        if article_id in self._entries or len(sig) != NUM_PERM * 4:
            return
        mh = _minhash(sig)
        self._entries[article_id] = _Entry(story_id, published, mh)
        self._lsh.insert(article_id, mh)

    def find(self, sig: bytes, published: datetime | None) -> int | None:
        """The story id of the closest earlier article, or None for a new story."""
        if len(sig) != NUM_PERM * 4:
            return None
        mh = _minhash(sig)
        best: tuple[float, int] | None = None
        for key in self._lsh.query(mh):
            entry = self._entries[key]
            if published and entry.published and abs(published - entry.published) > timedelta(days=MAX_DAYS_APART):
                continue
            similarity = mh.jaccard(entry.minhash)
            if similarity >= self.threshold and (best is None or (similarity, -key) > (best[0], -best[1])):
                best = (similarity, key)
        return self._entries[best[1]].story_id if best else None

    def assign(self, article_id: int, sig: bytes, published: datetime | None) -> int:
        story = self.find(sig, published)
        story_id = story if story is not None else article_id
        self.add(article_id, story_id, sig, published)
        return story_id
