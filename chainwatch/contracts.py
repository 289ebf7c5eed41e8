"""The contracts between stages, named once: what a spider yields and what the classifier takes and returns.

- `Article`: the one item every spider yields (spider -> storage).
- `ClassifierInput` / `ClassifierOutput`: storage -> classifier -> storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class Article:
    url: str  # as fetched
    canonical_url: str  # identity: see spiders.canonical
    source: str  # registry id
    title: str
    text: str  # main text, cleaned
    published: datetime | None  # timezone-aware UTC, never in the future
    lang: str | None  # ISO 639-1, detected
    content_hash: str  # sha256 of normalised title + text
    fetched_at: datetime  # timezone-aware UTC
    lead: str | None = None  # summary / first paragraph
    story_id: int | None = None  # near-duplicate cluster, assigned at storage time
    # The publisher's own calendar day of `published` (2020-02-15T07:00+09:00 is the 15th, though UTC's 14th):
    # what a page shows where only a date is shown.
    published_day: date | None = None
    extra: dict = field(default_factory=dict)  # per-source metadata (authors, tags); not stored as columns


@dataclass
class ClassifierInput:
    id: str | int
    title: str
    text: str
    lang: str | None = None


@dataclass
class ClassifierOutput:
    id: str | int
    scores: dict[str, float]  # label id -> probability
    labels: list[str]  # positive label ids
    evidence: dict[str, str]  # positive label id -> best supporting sentence(s)
    model_version: str
    status: str = "ok"  # ok | empty | truncated | error
    detail: str | None = None  # why, when status is not ok
    extra: dict = field(default_factory=dict)
