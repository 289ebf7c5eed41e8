"""The one item every spider yields (the spider -> storage contract)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Article:
    url: str                     # as fetched
    canonical_url: str           # identity: see spiders.canonical
    source: str                  # registry id
    title: str
    text: str                    # main text, cleaned
    published: datetime | None   # timezone-aware UTC, never in the future
    lang: str | None             # ISO 639-1, detected
    content_hash: str            # sha256 of normalised title + text
    fetched_at: datetime         # timezone-aware UTC
    lead: str | None = None      # summary / first paragraph
    story_id: int | None = None  # near-duplicate cluster, assigned at storage time
    extra: dict = field(default_factory=dict)  # per-source metadata (authors, tags); not stored as columns
