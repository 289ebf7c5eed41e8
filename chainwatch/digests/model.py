"""What a digest says, as plain data: read from the views (fetch.py), summarised (summary.py),
then rendered (render.py). Titles, evidence, names and URLs here are scraped text: raw, escaped
only by the templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from chainwatch.digests.weeks import IsoWeek
from chainwatch.storage.story_links import LagSummary
from chainwatch.taxonomy import Label


@dataclass(frozen=True)
class WeekTotals:
    items: int = 0  # articles published in the week
    stories: int = 0  # near-duplicate groups among them
    sources: int = 0
    labelled: int = 0  # items with at least one positive label
    unclassified: int = 0  # items no model version has processed yet


@dataclass(frozen=True)
class LabelWeek:
    """One label's numbers for the digest week (items = articles with that positive label)."""

    label: Label
    items: int
    stories: int
    previous: int  # items the week before
    average4: float  # mean items per week over the 4 weeks before this one
    trend: tuple[int, ...]  # items per week over the trend window, oldest first, this week last
    spike: bool

    @property
    def change(self) -> int:
        return self.items - self.previous

    @property
    def ratio(self) -> float | None:
        """This week against the 4-week average; None when the average is zero."""
        return self.items / self.average4 if self.average4 else None


@dataclass(frozen=True)
class StoryLink:
    """One copy of a story: an article in one source."""

    article_id: int
    source_id: str
    source_name: str
    title: str
    url: str
    published_day: date | None  # the publisher's own day (articles.published_day, else UTC's)


@dataclass(frozen=True)
class Story:
    """A near-duplicate group (articles.story_id) ranked under one label."""

    story_id: int
    label: str
    rank: int
    score: float  # best probability of the label among the story's items this week
    items: int  # copies this week with the label
    sources: int  # distinct sources among them
    title: str  # title of the best-scoring copy
    url: str
    evidence: str | None  # the classifier's supporting sentence for that copy
    links: tuple[StoryLink, ...] = ()
    more_links: int = 0  # copies not listed (very large stories)


# "What is new" lists entities first seen within a rolling window: named in the digest week and by
# no article of the NEW_WINDOW_WEEKS weeks before it (docs/entities.md).
NEW_WINDOW_WEEKS = 8


@dataclass(frozen=True)
class NewEntity:
    """An entity first seen within the rolling window (sql/digests/new_entities.sql)."""

    entity_id: str
    name: str
    kind: str
    stories: int  # stories of the week that name it
    mentions: int  # items of the week that name it
    title: str  # the first such item
    url: str
    source_name: str


@dataclass(frozen=True)
class LabelEntity:
    """One of a label's top entities of the week."""

    entity_id: str
    name: str
    kind: str
    stories: int


@dataclass(frozen=True)
class NewSource:
    source_id: str
    source_name: str
    items: int
    title: str  # its first item of the week
    url: str


@dataclass(frozen=True)
class SourceWeek:
    """One source's crawling in the week (crawl runs started in it) and what it published."""

    source_id: str
    source_name: str
    runs: int
    failed_runs: int
    pages: int
    stored: int
    skipped: int
    errors: int
    error_kinds: tuple[tuple[str, int], ...]
    items: int  # articles published in the week
    status: str  # ok | degraded | failing | no_items | not_crawled


@dataclass
class Digest:
    week: IsoWeek
    generated_at: datetime
    trend_weeks: list[IsoWeek]
    totals: WeekTotals
    previous_items: int  # items the week before
    items_trend: tuple[int, ...]  # items per week over trend_weeks
    labels: list[LabelWeek]
    stories: dict[str, list[Story]] = field(default_factory=dict)
    new_entities: list[NewEntity] = field(default_factory=list)
    label_entities: dict[str, list[LabelEntity]] = field(default_factory=dict)  # label id -> top entities
    new_sources: list[NewSource] = field(default_factory=list)
    source_health: list[SourceWeek] = field(default_factory=list)
    model_versions: list[str] = field(default_factory=list)
    regulator_lag: LagSummary | None = None  # releases of the week that the press reported (view regulator_lag)
    summary: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.totals.items == 0

    @property
    def complete(self) -> bool:
        """False while the week is still running (a partial digest)."""
        return self.week.is_complete(self.generated_at)

    @property
    def spikes(self) -> list[LabelWeek]:
        return [lw for lw in self.labels if lw.spike]

    def labels_of(self, kind: str) -> list[LabelWeek]:
        return [lw for lw in self.labels if lw.label.kind == kind]

    def stories_of(self, kind: str) -> list[tuple[LabelWeek, list[Story]]]:
        return [(lw, self.stories[lw.label.id]) for lw in self.labels_of(kind) if self.stories.get(lw.label.id)]

    @property
    def week_start(self) -> date:
        return self.week.monday
