"""Response shapes of the JSON API (they document the OpenAPI schema and check what is sent)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

# One description for every model that carries the day (articles.published_day, migration 011).
PUBLISHED_DAY = "The publisher's own calendar day (2020-02-15T07:00+09:00 is the 15th); the date to show."


class ErrorBody(BaseModel):
    status: int
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorOut(BaseModel):
    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing or wrong token"},
    404: {"model": ErrorOut, "description": "Not found"},
    422: {"model": ErrorOut, "description": "Invalid parameter"},
}


class LabelScore(BaseModel):
    label: str
    score: float = Field(description="The classifier's probability, 0-1.")


class ArticleItem(BaseModel):
    id: int
    title: str
    url: str
    source: str
    source_name: str
    category: str | None = Field(description="news | official")
    published_at: datetime | None
    published_day: date | None = Field(description=PUBLISHED_DAY)
    lang: str | None
    labels: list[LabelScore] = Field(description="Positive labels, best first.")
    snippet: str = Field(description="With q: the matched words between « and »; else the lead.")
    rank: float | None = Field(description="With q: the relevance score.")


class ArticlePageOut(BaseModel):
    mode: str = Field(description="search (q given: ranked matches) | browse (newest first)")
    articles: list[ArticleItem]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null on the last page.")
    matched: int | None = Field(description="search: matches found (at most 1000, the newest).")
    capped: bool = Field(description="search: more than `matched` articles match; narrow the query.")


class LabelDetail(BaseModel):
    label: str
    name: str | None
    kind: str | None
    score: float
    positive: bool
    evidence: str | None


class StoryCopy(BaseModel):
    id: int
    source_id: str
    source_name: str
    category: str | None
    title: str
    canonical_url: str
    published_at: datetime | None
    published_day: date | None = Field(description=PUBLISHED_DAY)
    lang: str | None


class Story(BaseModel):
    story_id: int
    copies: list[StoryCopy] = Field(description="The other articles of the story, oldest first.")


class Classification(BaseModel):
    model_version: str
    classified_at: datetime
    status: str


class EntityChip(BaseModel):
    entity_id: str
    name: str = Field(description="The canonical name.")
    kind: str = Field(description="exchange | token | company | regulator | person | jurisdiction")
    mentions: int = Field(description="How often the article names it (title and text).")


class AmountOut(BaseModel):
    surface: str = Field(description="The amount as written, e.g. '$116 million' or '1.2亿美元'.")
    currency: str = Field(description="ISO 4217 code or a crypto ticker.")
    amount: float | None = Field(description="The value in that currency.")
    amount_usd: float | None = Field(description="Approximate US dollars (null for crypto without a fixed rate).")
    mentions: int = Field(description="How often the article names it as written.")


class ArticleOut(BaseModel):
    id: int
    title: str
    url: str
    canonical_url: str
    source_id: str
    source_name: str
    category: str | None
    domain: str | None
    published_at: datetime | None
    published_day: date | None = Field(description=PUBLISHED_DAY)
    fetched_at: datetime | None
    lang: str | None
    lead: str | None
    text: str
    labels: list[LabelDetail] = Field(description="Every label's score, positive ones first, with evidence.")
    classification: Classification | None
    story: Story
    entities: list[EntityChip] = Field(description="Entities named, in order of first mention (see /entities).")
    amounts: list[AmountOut] = Field(description="Money amounts named, in reading order.")


class LabelOut(BaseModel):
    id: str
    kind: str
    name: str
    description: str
    keywords: dict[str, list[str]]


class LabelWeek(BaseModel):
    iso_week: str
    week_start: date = Field(description="Monday (UTC).")
    week_end: date = Field(description="Sunday (UTC).")
    items: int
    stories: int
    sources: int
    all_items: int = Field(description="Every dated article of the week, labelled or not.")
    average4: float = Field(description="Mean items of the label over the 4 weeks before.")
    spike: bool = Field(description="The digest's spike rule: at least 3 items and 2x the 4-week average.")


class LabelWeeksOut(BaseModel):
    label: LabelOut
    weeks: list[LabelWeek]


class DigestWeekOut(BaseModel):
    iso_week: str
    formats: list[str]
    item_count: int
    generated_at: datetime
    links: dict[str, str]


class Run(BaseModel):
    run_id: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    pages_fetched: int
    items_stored: int
    items_skipped: int
    errors: int
    error_counts: dict[str, int]
    note: str | None


class ErrorKind(BaseModel):
    kind: str
    count: int


class SourceOut(BaseModel):
    source_id: str
    name: str
    kind: str
    lang: str
    category: str | None
    domain: str | None
    enabled: bool
    health: str = Field(description="ok | degraded | failing | no_items | running | never_run")
    flagged: bool = Field(description="health is neither ok nor never_run.")
    articles: int
    newest_article: datetime | None
    last_run_status: str | None
    error_kinds: list[ErrorKind] = Field(description="The latest run's errors by kind, most first.")
    runs: list[Run] = Field(description="The latest runs, newest first.")


class EntityListItem(BaseModel):
    entity_id: str
    kind: str
    name: str = Field(description="The canonical name.")
    aliases: dict[str, list[str]] = Field(description="Other names by language: {'en': [...], 'zh': [...]}.")
    articles: int = Field(description="Articles that name it (each article's latest extraction).")
    stories: int
    last_seen: datetime | None


class EntityWeek(BaseModel):
    iso_week: str
    week_start: date = Field(description="Monday (UTC).")
    articles: int
    stories: int
    sources: int


class EntityArticleOut(BaseModel):
    article_id: int
    story_id: int
    title: str
    url: str
    source_id: str
    source_name: str
    published_at: datetime | None
    published_day: date | None = Field(description=PUBLISHED_DAY)
    lang: str | None
    mentions: int = Field(description="How often this article names the entity.")


class EntityOut(BaseModel):
    entity_id: str
    kind: str
    name: str
    aliases: dict[str, list[str]]
    first_seen: datetime | None
    last_seen: datetime | None
    article_count: int = Field(description="Articles that name it.")
    stories: int = Field(description="Stories that name it.")
    weeks: list[EntityWeek] = Field(description="Mentions per ISO week, up to 26 weeks to the last mention.")
    articles: list[EntityArticleOut] = Field(description="The newest articles that name it.")
