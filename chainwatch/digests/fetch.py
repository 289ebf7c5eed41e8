"""Read one digest week from the views of sql/migrations/005_digest_views.sql (digest_articles,
digest_article_labels, digest_sources, digest_crawl_runs).

SQL lives in sql/digests/*.sql; this module only sends parameters and turns rows into model objects.
Every function takes an open cursor so the whole digest is read from one snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from psycopg2.extensions import cursor as Cursor

from chainwatch.digests.model import LabelEntity, NewEntity, NewSource, SourceWeek, Story, StoryLink, WeekTotals
from chainwatch.digests.weeks import IsoWeek, week_of
from chainwatch.sqlfiles import statement
from chainwatch.storage import health

LINKS_PER_STORY = 12  # a story copied by dozens of sites lists the first ones and "+N more"


def sql(name: str) -> str:
    return statement("digests", name)


def _range(week: IsoWeek, first: IsoWeek | None = None) -> dict[str, datetime]:
    return {"start": (first or week).start, "end": week.end}


def week_totals(cur: Cursor, week: IsoWeek) -> WeekTotals:
    """The digest week's key figures; `labelled` is filled in from week_labels."""
    cur.execute(sql("week_totals"), _range(week))
    items, stories, sources, unclassified = cur.fetchone()
    return WeekTotals(items=items, stories=stories, sources=sources, unclassified=unclassified)


def trend(cur: Cursor, weeks: list[IsoWeek]) -> tuple[dict[date, int], dict[tuple[date, str], int]]:
    """Items per week start, and items per (week start, label), over `weeks` (consecutive, oldest first)."""
    cur.execute(sql("trend"), _range(weeks[-1], weeks[0]))
    items: dict[date, int] = {}
    per_label: dict[tuple[date, str], int] = {}
    for week_start, label, n in cur.fetchall():
        if label is None:
            items[week_start] = n
        else:
            per_label[(week_start, label)] = n
    return items, per_label


def week_labels(cur: Cursor, week: IsoWeek) -> tuple[dict[str, int], int, list[str]]:
    """Stories per label in the week, items with any label, and the model versions behind them."""
    cur.execute(sql("week_labels"), _range(week))
    stories: dict[str, int] = {}
    labelled = 0
    versions: list[str] = []
    for label, n_stories, n_items, model_versions in cur.fetchall():
        if label is None:
            labelled, versions = n_items, list(model_versions or [])
        else:
            stories[label] = n_stories
    return stories, labelled, versions


def top_stories(cur: Cursor, week: IsoWeek, per_label: int) -> dict[str, list[Story]]:
    """The best `per_label` stories of each label, each with every copy's source and link."""
    cur.execute(sql("top_stories"), {**_range(week), "per_label": per_label})
    rows = cur.fetchall()
    links = story_links(cur, sorted({row[2] for row in rows}))
    stories: dict[str, list[Story]] = defaultdict(list)
    for label, rank, story_id, score, items, sources, title, url, evidence in rows:
        copies = links.get(story_id, [])
        stories[label].append(
            Story(
                story_id=story_id,
                label=label,
                rank=rank,
                score=float(score),
                items=items,
                sources=sources,
                title=title,
                url=url,
                evidence=evidence,
                links=tuple(copies[:LINKS_PER_STORY]),
                more_links=max(0, len(copies) - LINKS_PER_STORY),
            )
        )
    return dict(stories)


def story_links(cur: Cursor, story_ids: list[int]) -> dict[int, list[StoryLink]]:
    if not story_ids:
        return {}
    cur.execute(sql("story_links"), {"story_ids": story_ids})
    links: dict[int, list[StoryLink]] = defaultdict(list)
    for story_id, article_id, source_id, source_name, title, url, published in cur.fetchall():
        links[story_id].append(StoryLink(article_id, source_id, source_name, title, url, published))
    return links


def new_sources(cur: Cursor, week: IsoWeek) -> list[NewSource]:
    cur.execute(sql("new_sources"), _range(week))
    return [NewSource(*row) for row in cur.fetchall()]


def new_entities(cur: Cursor, week: IsoWeek, *, window_weeks: int, limit: int = 20) -> list[NewEntity]:
    """Entities first seen within a rolling window: named this week, not in the `window_weeks` before."""
    cur.execute(sql("new_entities"), {**_range(week), "window_start": week.shift(-window_weeks).start, "limit": limit})
    return [NewEntity(*row) for row in cur.fetchall()]


def label_entities(cur: Cursor, week: IsoWeek, per_label: int) -> dict[str, list[LabelEntity]]:
    """Per label, the entities named by the most stories of the week."""
    cur.execute(sql("label_entities"), {**_range(week), "per_label": per_label})
    found: dict[str, list[LabelEntity]] = defaultdict(list)
    for label, entity_id, name, kind, stories in cur.fetchall():
        found[label].append(LabelEntity(entity_id, name, kind, stories))
    return dict(found)


def source_health(cur: Cursor, week: IsoWeek) -> list[SourceWeek]:
    result: list[SourceWeek] = []
    for source_id, name, runs, failed, pages, stored, skipped, errors, kinds, items, status in health.for_week(
        cur, week.start, week.end
    ):
        error_kinds = tuple(sorted(((k, int(n)) for k, n in (kinds or {}).items()), key=lambda kv: (-kv[1], kv[0])))
        result.append(
            SourceWeek(source_id, name, runs, failed, pages, stored, skipped, errors, error_kinds, items, status)
        )
    return result


def weeks_with_articles(cur: Cursor) -> list[IsoWeek]:
    cur.execute(sql("weeks_with_articles"))
    return [week_of(row[0]) for row in cur.fetchall()]
