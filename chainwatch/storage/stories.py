"""Stories: near-duplicate articles across sources, grouped by MinHash signatures and an LSH index.

Everything about stories lives here: the signature stored with each article, the index that assigns
a new article to its story (`StoryIndex`, and `shared_index()`, the one a crawl process keeps), and
the reconciliation a crawl runs at its end (`reconcile_stories`).

Syndicated copies of one story (an agency wire, a press release republished by several outlets)
get one `story_id`: the id of the first stored article of the cluster. The index is loaded from
`articles.minhash` (most recent rows first), so clustering works across runs and processes; each
article stored adds itself. Two texts are the same story when their estimated Jaccard similarity
over word 3-shingles (character 4-shingles for Chinese) reaches THRESHOLD and, when dates are known,
the article was published within MAX_DAYS_APART of the story's first article (recurring templated
items, like a weekly listings round-up, read alike but are different stories; anchoring on the first
article stops a series from chaining into one story week after week).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from chainwatch.textsearch import has_cjk

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 64
SCHEME = "affine32"  # datasketch permutation scheme; fixed so stored signatures stay comparable
THRESHOLD = 0.6
MAX_DAYS_APART = 3
LOAD_LIMIT = 50_000  # recent articles loaded into the index
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(title: str, text: str) -> set[bytes]:
    body = unicodedata.normalize("NFKC", f"{title}\n{text}").casefold()
    if has_cjk(body):
        chars = "".join(_WORD.findall(body))
        grams = {chars[i : i + 4] for i in range(max(1, len(chars) - 3))}
    else:
        words = _WORD.findall(body)
        grams = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
    return {g.encode("utf-8") for g in grams if g}


@lru_cache(maxsize=1)
def _permutations():
    # Drawing the permutations costs more than hashing an article; every MinHash here shares one set
    # (same num_perm, seed and scheme), which is also what makes stored signatures comparable.
    from datasketch import MinHash  # datasketch pulls in scipy (about 1 s): only when hashing

    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def signature(title: str, text: str) -> bytes:
    """The MinHash of an article, as stored in articles.minhash (NUM_PERM little-endian uint32)."""
    from datasketch import MinHash  # datasketch pulls in scipy (about 1 s): only when hashing

    mh = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_permutations())
    mh.update_batch(list(shingles(title, text)))
    return np.asarray(mh.hashvalues, dtype="<u4").tobytes()


def _minhash(sig: bytes) -> MinHash:
    from datasketch import MinHash  # datasketch pulls in scipy (about 1 s): only when hashing

    return MinHash(
        num_perm=NUM_PERM,
        scheme=SCHEME,
        permutations=_permutations(),
        hashvalues=np.frombuffer(sig, dtype="<u4").astype(np.uint32),
    )


@dataclass
class _Entry:
    story_id: int
    story_published: datetime | None  # when the story's first article was published
    minhash: MinHash


class StoryIndex:
    """LSH over article signatures; `assign` returns the story an article belongs to."""

    def __init__(self, threshold: float = THRESHOLD):
        self.threshold = threshold
        from datasketch import MinHashLSH  # datasketch pulls in scipy (about 1 s): only when indexing

        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._entries: dict[int, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def load(cls, cur, limit: int = LOAD_LIMIT) -> StoryIndex:
        index = cls()
        cur.execute(
            "SELECT a.id, a.story_id, coalesce(first.published_at, a.published_at), a.minhash FROM articles a "
            "LEFT JOIN articles first ON first.id = a.story_id "
            "WHERE a.minhash IS NOT NULL AND a.story_id IS NOT NULL ORDER BY a.id DESC LIMIT %s",
            (limit,),
        )
        for article_id, story_id, story_published, sig in reversed(cur.fetchall()):
            index.add(article_id, story_id, bytes(sig), story_published)
        return index

    def add(self, article_id: int, story_id: int, sig: bytes, story_published: datetime | None) -> None:
        if article_id in self._entries or len(sig) != NUM_PERM * 4:
            return
        mh = _minhash(sig)
        self._entries[article_id] = _Entry(story_id, story_published, mh)
        self._lsh.insert(article_id, mh)

    def _closest(self, sig: bytes, published: datetime | None, before: int | None) -> _Entry | None:
        if len(sig) != NUM_PERM * 4:
            return None
        mh = _minhash(sig)
        best: tuple[float, int] | None = None
        for key in self._lsh.query(mh):
            if before is not None and key >= before:
                continue
            entry = self._entries[key]
            if (
                published
                and entry.story_published
                and abs(published - entry.story_published) > timedelta(days=MAX_DAYS_APART)
            ):
                continue
            similarity = mh.jaccard(entry.minhash)
            # most similar wins; on a tie the earlier article
            if similarity >= self.threshold and (best is None or (similarity, -key) > (best[0], -best[1])):
                best = (similarity, key)
        return self._entries[best[1]] if best else None

    def find(self, sig: bytes, published: datetime | None, before: int | None = None) -> int | None:
        """The story id of the closest stored article (only ids below `before`, if given), or None."""
        entry = self._closest(sig, published, before)
        return entry.story_id if entry else None

    def assign(self, article_id: int, sig: bytes, published: datetime | None) -> int:
        """The article's story (an earlier one, or its own id), recorded in the index."""
        entry = self._closest(sig, published, None)
        if entry is None:
            self.add(article_id, article_id, sig, published)
            return article_id
        self.add(article_id, entry.story_id, sig, entry.story_published or published)
        return entry.story_id


_RECONCILE_LOCK = "story_reconciliation"  # a pipeline_locks row: one reconciliation at a time


def reconcile_stories(cur, since: datetime) -> int:
    """Join articles stored since `since` to earlier stories that a concurrent crawl stored meanwhile.

    Each crawl process clusters against the index it loaded, so two crawls running at once (Airflow
    maps one task per source) cannot see each other's new articles. After a crawl, its new articles
    are checked against everything stored before them; a match moves the article's whole cluster
    to the earlier story. Returns the number of articles whose story changed.
    """
    # a row lock (migration 006), not an advisory lock: a read-only analyst can neither take nor hold it
    cur.execute("SELECT name FROM pipeline_locks WHERE name = %s FOR UPDATE", (_RECONCILE_LOCK,))
    cur.execute(
        "SELECT id, story_id, published_at, minhash FROM articles "
        "WHERE created_at >= %s AND minhash IS NOT NULL AND story_id IS NOT NULL ORDER BY id",
        (since,),
    )
    recent = cur.fetchall()
    if not recent:
        return 0
    index = StoryIndex.load(cur)
    moved = 0
    for article_id, story_id, published, sig in recent:
        entry = index._entries.get(article_id)
        current = entry.story_id if entry else story_id
        match = index.find(bytes(sig), published, before=article_id)
        if match is None or match >= current:
            continue
        cur.execute("UPDATE articles SET story_id = %s WHERE story_id = %s", (match, current))
        moved += cur.rowcount
        for other in index._entries.values():  # keep the in-memory index in step with the table
            if other.story_id == current:
                other.story_id = match
    return moved


# A crawl process stores articles from every source it crawls through one index, so that two sources
# of one run cluster together; it is loaded on first use and forgotten after a failed write (it may
# then hold ids of rolled-back rows).
_SHARED: StoryIndex | None = None


def shared_index(cur) -> StoryIndex:
    """This process's story index, loaded from the database on first use."""
    global _SHARED
    if _SHARED is None:
        _SHARED = StoryIndex.load(cur)
    return _SHARED


def forget_shared_index() -> None:
    """Drop this process's index (after a rolled-back write); the next use reloads it."""
    global _SHARED
    _SHARED = None
