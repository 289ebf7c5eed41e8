"""The same event in two articles: embedding similarity, shared specific entities, shared money
amounts, inside a date window (docs/entities.md, "Stories across languages").

score = cosine(centred lead vectors) + ENTITY_WEIGHT * specificity of the most specific shared entity
        + AMOUNT_WEIGHT * (1 if they share a money amount)

The vectors are the classifier's lead pooling (E5 prefix, title and about a sentence). Raw, they say
the language before the event: two unrelated Chinese items are closer (cosine 0.88) than an English
and a Chinese report of one settlement (0.84). Each vector is therefore centred, minus the mean
vector of its language (data/centroids.npz, from the real corpora named in data/PROVENANCE.md), and
normalised again; that leaves what the item is about (the same pair: 0.37 against 0.26 at most for
the unrelated ones). An entity's specificity is 1 - log(df) / log(n)
over the articles being compared (n articles, df of them mention it), so "Bitcoin" or "the SEC",
named by half of the window, adds little and "Celsius" adds a lot. Two amounts are shared when
both are at least MIN_AMOUNT_USD and round to the same two significant digits ("$116 million" and
"1.16亿美元"). The weights and threshold were chosen by cross-validation on the labelled pairs
(chainwatch/stories/evaluation.py); the figures are in docs/entities.md.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import numpy as np

CENTROIDS = Path(__file__).with_name("data") / "centroids.npz"
CODE_VERSION = "2"  # bump when the rule's code changes (2: never within one source)
MIN_AMOUNT_USD = Decimal(10_000)  # smaller sums ("$5 fee") are too common to say anything


@dataclass(frozen=True)
class Rule:
    threshold: float
    entity_weight: float
    amount_weight: float
    cross_lingual_bonus: float = 0.0  # added when the two are in different languages (see compare)
    max_days: int = 3  # press and press
    official_max_days: int = 7  # a regulator's release and the press (reports trail releases)

    @property
    def max_bonus(self) -> float:
        return self.entity_weight + self.amount_weight + self.cross_lingual_bonus

    @property
    def version(self) -> str:
        return (
            f"links-t{self.threshold:g}-e{self.entity_weight:g}-a{self.amount_weight:g}"
            f"-x{self.cross_lingual_bonus:g}-d{self.max_days}-{self.official_max_days}"
        )


# chosen by 5-fold cross-validation on the first 191 pairs of chainwatch/stories/data/story_pairs.jsonl and kept
# on all 337: the F1 choice there (t0.45, amount 0.1, crossing 0.05) has the same held-out grouping F1 (0.64) at
# precision 0.63 against 0.85, and a wrong link hides a story from alerts (docs/entities.md, "Measured")
RULE = Rule(threshold=0.5, entity_weight=0.1, amount_weight=0.0)


def linker_version(rule: Rule, path: Path = CENTROIDS) -> str:
    """The rule and the centroids it centres with: a change to either checks every article again."""
    return f"{rule.version}-c{hashlib.sha1(path.read_bytes()).hexdigest()[:8]}-v{CODE_VERSION}"


class NoCentroids(LookupError):
    pass


@cache
def centroids(embedding_version: str, path: Path = CENTROIDS) -> dict[str, np.ndarray]:
    """The mean vector per language ("en", "zh") of the encoder `embedding_version`."""
    with np.load(path) as data:
        found = {key.split("/", 1)[1]: data[key] for key in data.files if key.startswith(embedding_version + "/")}
    if not found:
        raise NoCentroids(
            f"no language centroids for encoder {embedding_version} in {path}: "
            "run scripts/story_centroids.py for the new encoder"
        )
    return found


def centred(vector: np.ndarray, lang: str | None, means: dict[str, np.ndarray]) -> np.ndarray:
    """`vector` minus its language's mean, L2-normalised (a language without a mean: the mean of all)."""
    mean = means.get(lang or "") if lang else None
    if mean is None:
        mean = np.mean(np.stack(list(means.values())), axis=0)
    out = np.asarray(vector, dtype=np.float32) - mean
    norm = float(np.linalg.norm(out))
    return out / norm if norm else out


@dataclass(frozen=True)
class Signals:
    article_id: int
    story_id: int
    published: datetime | None  # None: unknown, never outside the window
    official: bool
    lang: str | None
    source: str | None  # None: unknown, never the same as another's
    vector: np.ndarray  # centred and L2-normalised (see `centred`)
    entities: frozenset[str]
    amounts: frozenset[Decimal]  # USD values, see amount_key


@dataclass(frozen=True)
class Verdict:
    similarity: float
    shared_entities: tuple[str, ...]
    shared_amounts: int
    score: float


def amount_key(usd: Decimal) -> Decimal | None:
    """An amount rounded to two significant digits; None below MIN_AMOUNT_USD."""
    if usd < MIN_AMOUNT_USD:
        return None
    return Decimal(f"{float(usd):.1e}")


def amount_keys(values: Iterable[Decimal]) -> frozenset[Decimal]:
    return frozenset(k for k in (amount_key(v) for v in values) if k is not None)


class Specificity:
    """1 - log(df) / log(n) for each entity over a set of articles (1: named by one article)."""

    def __init__(self, entity_sets: Iterable[frozenset[str]]):
        self.df: Counter[str] = Counter()
        self.n = 0
        for entities in entity_sets:
            self.n += 1
            self.df.update(entities)

    def __call__(self, entity: str) -> float:
        if self.n < 2:
            return 1.0
        return max(0.0, 1.0 - math.log(max(self.df[entity], 1)) / math.log(self.n))


def within_window(a: Signals, b: Signals, rule: Rule) -> bool:
    if a.published is None or b.published is None:
        return True
    days = rule.official_max_days if a.official != b.official else rule.max_days
    return abs(a.published - b.published) <= timedelta(days=days)


def compare(a: Signals, b: Signals, rule: Rule, specificity: Specificity) -> Verdict:
    similarity = float(np.dot(a.vector, b.vector))
    shared = tuple(sorted(a.entities & b.entities))
    amounts = len(a.amounts & b.amounts)
    evidence = max((specificity(e) for e in shared), default=0.0)
    # even centred, two reports of one event in two languages are less alike than in one language
    crossed = rule.cross_lingual_bonus if (a.lang or "en") != (b.lang or "en") else 0.0
    score = similarity + rule.entity_weight * evidence + rule.amount_weight * (1 if amounts else 0) + crossed
    return Verdict(similarity, shared, amounts, score)


def best_link(
    article: Signals, candidates: Sequence[Signals], rule: Rule, specificity: Specificity
) -> tuple[Signals, Verdict] | None:
    """The candidate of another story and another source, inside the window, that scores highest
    at or above the threshold (ties: the earlier article), or None.

    Never within one source: a source's own items read alike by template (a regulator's releases,
    an outlet's daily market report), and its copies of one item are near-duplicates, which the
    crawl's MinHash stories already join."""
    best: tuple[Signals, Verdict] | None = None
    for other in candidates:
        if other.story_id == article.story_id or other.article_id == article.article_id:
            continue
        if article.source is not None and article.source == other.source:
            continue
        if not within_window(article, other, rule):
            continue
        verdict = compare(article, other, rule, specificity)
        if verdict.score < rule.threshold:
            continue
        if best is None or (verdict.score, -other.article_id) > (best[1].score, -best[0].article_id):
            best = (other, verdict)
    return best


@dataclass(frozen=True)
class Link:
    article_id: int
    other: Signals | None = None  # the article it was linked to; None: no link
    verdict: Verdict | None = None
    from_story: int | None = None  # the story merged away ...
    to_story: int | None = None  # ... into this one (the smaller id, like near-duplicate stories)


def link_batch(pending: Sequence[int], pool: Sequence[Signals], rule: Rule) -> list[Link]:
    """Check each pending article (ids of articles in `pool`) against the pool, in order, merging
    stories as links are found; the links, one per pending article found in the pool."""
    specificity = Specificity(s.entities for s in pool)
    index = {s.article_id: k for k, s in enumerate(pool)}
    matrix = np.stack([s.vector for s in pool]) if pool else np.zeros((0, 0), np.float32)
    merged: dict[int, int] = {}  # story -> the story it was merged into

    def current(s: Signals) -> Signals:
        story = s.story_id
        while story in merged:
            story = merged[story]
        return s if story == s.story_id else replace(s, story_id=story)

    links: list[Link] = []
    for article_id in pending:
        if article_id not in index:
            continue
        me = current(pool[index[article_id]])
        # only pairs whose cosine could reach the threshold with every bonus are compared in full
        near = np.flatnonzero(matrix @ me.vector >= rule.threshold - rule.max_bonus)
        found = best_link(me, [current(pool[int(k)]) for k in near], rule, specificity)
        if found is None:
            links.append(Link(article_id))
            continue
        other, verdict = found
        source, target = max(me.story_id, other.story_id), min(me.story_id, other.story_id)
        merged[source] = target
        links.append(Link(article_id, other, verdict, source, target))
    return links
