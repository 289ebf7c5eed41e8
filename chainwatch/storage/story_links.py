"""Stories across languages in PostgreSQL (migration 010): article embeddings, the linker's
verdict per article (`story_links`), merging two stories, and the regulator-lag view.

Rows are keyed by encoder / linker version, like classifications and extractions: writing the
same version again changes nothing, a new version adds rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from psycopg2.extensions import cursor as Cursor
from psycopg2.extras import execute_values

from chainwatch.sqlfiles import statement


@dataclass(frozen=True)
class PendingArticle:
    id: int
    title: str
    text: str
    lang: str | None


@dataclass(frozen=True)
class SignalRow:
    article_id: int
    story_id: int
    dated: datetime
    source_id: str
    official: bool
    lang: str | None
    vector: bytes
    entities: tuple[str, ...]
    amounts: tuple[Decimal, ...]


@dataclass(frozen=True)
class LinkRow:
    article_id: int
    linked_article_id: int | None = None
    similarity: float | None = None
    shared_entities: tuple[str, ...] = ()
    shared_amounts: int = 0
    score: float | None = None
    from_story: int | None = None
    to_story: int | None = None


@dataclass(frozen=True)
class LagRow:
    story_id: int
    regulator_source: str
    release_title: str
    released_at: datetime
    press_source: str
    press_title: str
    first_press_at: datetime
    lag_hours: float
    zh_lag_hours: float | None
    press_items: int
    press_sources: int


def store_embeddings(cur: Cursor, encoder: str, rows: Sequence[tuple[int, bytes]]) -> None:
    if rows:
        execute_values(
            cur,
            "INSERT INTO article_embeddings (article_id, encoder, vector) VALUES %s "
            "ON CONFLICT (article_id, encoder) DO UPDATE SET vector = EXCLUDED.vector, created_at = now()",
            [(article_id, encoder, vector) for article_id, vector in rows],
            template="(%s, %s, %s)",
        )


def next_unembedded(
    cur: Cursor, encoder: str, *, after_id: int, limit: int, stored_since: datetime | None = None
) -> list[PendingArticle]:
    """Articles (by id, after `after_id`; stored since `stored_since` if given) with no embedding from `encoder`."""
    cur.execute(
        "SELECT a.id, a.title, a.text, a.lang FROM articles a WHERE a.id > %(after)s"
        " AND (%(since)s::timestamptz IS NULL OR a.created_at >= %(since)s) AND NOT EXISTS"
        " (SELECT 1 FROM article_embeddings e WHERE e.article_id = a.id AND e.encoder = %(encoder)s)"
        " ORDER BY a.id LIMIT %(limit)s",
        {"after": after_id, "since": stored_since, "encoder": encoder, "limit": limit},
    )
    return [PendingArticle(int(i), t or "", x or "", lang) for i, t, x, lang in cur.fetchall()]


def next_unlinked(
    cur: Cursor,
    encoder: str,
    linker_version: str,
    *,
    after_id: int,
    limit: int,
    stored_since: datetime | None = None,
) -> list[tuple[int, datetime]]:
    """(id, date) of embedded articles after `after_id` (stored since `stored_since` if given) that
    `linker_version` has not checked."""
    cur.execute(
        "SELECT a.id, coalesce(a.published_at, a.created_at) FROM articles a"
        " JOIN article_embeddings e ON e.article_id = a.id AND e.encoder = %(encoder)s"
        " WHERE a.id > %(after)s AND (%(since)s::timestamptz IS NULL OR a.created_at >= %(since)s)"
        " AND NOT EXISTS (SELECT 1 FROM story_links l"
        " WHERE l.article_id = a.id AND l.linker_version = %(version)s) ORDER BY a.id LIMIT %(limit)s",
        {"encoder": encoder, "after": after_id, "since": stored_since, "version": linker_version, "limit": limit},
    )
    return [(int(i), d) for i, d in cur.fetchall()]


def window_signals(cur: Cursor, encoder: str, start: datetime, end: datetime) -> list[SignalRow]:
    cur.execute(statement("stories", "window_signals"), {"encoder": encoder, "start": start, "end": end})
    return [
        SignalRow(int(i), int(s), d, src, bool(o), lang, bytes(v), tuple(e), tuple(Decimal(x) for x in m))
        for i, s, d, src, o, lang, v, e, m in cur.fetchall()
    ]


def merge_story(cur: Cursor, from_story: int, to_story: int) -> int:
    """Move every article of `from_story` into `to_story`; the number of articles moved.

    Alert events move with the story (migration 008 keys them by story), so a rule that fired for
    either story does not fire again for the merged one; where the rule fired for both, both
    events stay as they are (each was sent once)."""
    cur.execute(
        "UPDATE articles SET story_id = %s WHERE coalesce(story_id, id) = %s AND story_id IS DISTINCT FROM %s",
        (to_story, from_story, to_story),
    )
    moved = int(cur.rowcount)
    # the first article of the target story may have no story_id yet: give it its own id
    cur.execute("UPDATE articles SET story_id = id WHERE id = %s AND story_id IS NULL", (to_story,))
    cur.execute(
        "UPDATE alert_events e SET story_id = %(to)s WHERE e.story_id = %(from)s AND NOT EXISTS"
        " (SELECT 1 FROM alert_events t WHERE t.rule_id = e.rule_id AND t.story_id = %(to)s)",
        {"to": to_story, "from": from_story},
    )
    return moved


def record_links(cur: Cursor, linker_version: str, rows: Sequence[LinkRow]) -> None:
    if rows:
        execute_values(
            cur,
            "INSERT INTO story_links (article_id, linker_version, linked_article_id, similarity, shared_entities,"
            " shared_amounts, score, from_story, to_story) VALUES %s "
            "ON CONFLICT (article_id, linker_version) DO NOTHING",
            [
                (
                    r.article_id,
                    linker_version,
                    r.linked_article_id,
                    r.similarity,
                    list(r.shared_entities),
                    r.shared_amounts,
                    r.score,
                    r.from_story,
                    r.to_story,
                )
                for r in rows
            ],
        )


def regulator_lag(cur: Cursor, since: datetime) -> list[LagRow]:
    cur.execute(statement("stories", "regulator_lag"), {"since": since})
    return [
        LagRow(
            int(r[0]),
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            float(r[7]),
            None if r[8] is None else float(r[8]),
            int(r[9]),
            int(r[10]),
        )
        for r in cur.fetchall()
    ]


@dataclass(frozen=True)
class LagSummary:
    stories: int
    median_hours: float | None
    press_first: int  # stories the press reported before the release's date
    zh_stories: int
    zh_median_hours: float | None

    def line(self) -> str:
        if not self.stories:
            return "regulator lag: no story holds both a regulator's release and a press report"
        zh = (
            f"; first Chinese report: median {self.zh_median_hours:.1f} h over {self.zh_stories}"
            if self.zh_stories and self.zh_median_hours is not None
            else ""
        )
        return (
            f"regulator lag: median {self.median_hours:.1f} h from release to the press's first report "
            f"over {self.stories} {'story' if self.stories == 1 else 'stories'} "
            f"({self.press_first} reported before the release's date){zh}"
        )


def lag_summary(cur: Cursor, since: datetime, until: datetime) -> LagSummary:
    cur.execute(statement("stories", "lag_summary"), {"since": since, "until": until})
    stories, median, first, zh, zh_median = cur.fetchone()
    return LagSummary(
        int(stories),
        None if median is None else float(median),
        int(first),
        int(zh),
        None if zh_median is None else float(zh_median),
    )
