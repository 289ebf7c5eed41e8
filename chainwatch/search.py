"""Full-text search over stored articles (PostgreSQL full-text search, English and Chinese).

Strategy (docs/schema.md, "Full-text search"):
- Articles: `articles.tsv` (generated) holds the English-config lexemes of title (weight A) and text
  (weight B) plus the 'simple'-config lexemes of `zh_tokens`, the jieba search-mode tokens that the
  article writer stores for Chinese text (chainwatch.textsearch.zh_tokens). One GIN index.
- Queries: the non-Chinese part goes through `websearch_to_tsquery('english', ...)` (quotes, `or`,
  `-word`; stemmed, so 'laundering' finds 'launder'). Each Chinese word of the query (jieba precise
  mode) becomes `word | (sub-word & ...)`, the sub-words being the search-mode tokens of the same
  segmentation (zh_tokens) that cover it, so '数字人民币' finds an article segmented as
  '数字 / 人民币'. Chinese words are all required and ANDed with the English part.
- Matching (sql/search/matches*.sql): the ids of the newest `POOL` matching articles (every match
  when there are fewer), filters applied; newest = most recently stored (highest id). Windows of ids
  are searched from the newest down (WINDOW, then each twice as wide, WINDOWS of them, then the rest), each
  through the articles_search_filtered GIN index whose id-block lexemes put the window into the text
  query (migrations 004, 012), so the work follows POOL and the window rather than how many articles match.
  Its source and language lexemes do the same for narrow source, language and category filters
  (migration 012): common words with a narrow filter read only the articles that pass it.
- Ranking (sql/search/hits.sql): ts_rank_cd over those, then newest first; snippets with ts_headline
  (a window around the first Chinese match for Chinese text), labels from article_labels.

All SQL is in sql/search/*.sql; values travel as parameters. The search runs in a READ ONLY
transaction.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import psycopg2

from chainwatch import config, db, taxonomy
from chainwatch.errors import ChainWatchError
from chainwatch.sqlfiles import load_statement
from chainwatch.storage.entities import articles_mentioning, find_entities
from chainwatch.textsearch import split_query, tsquery_text

SQL_DIR = config.PROJECT_ROOT / "sql" / "search"
MAX_QUERY_CHARS = 1000
MAX_LIMIT = 1000
POOL = 1000  # matches ranked at most (the newest); see sql/search/matches.sql
WINDOW = 20_000  # ids in the first window searched; each next (older) window is twice as wide
WINDOWS = 3  # windows of WINDOW, 2 x WINDOW, 4 x WINDOW ids, then the rest in one statement
# With a label each match costs three index probes (its latest classification), more than a wider
# window's block lexemes cost the GIN index: two more windows, 8 x and 16 x WINDOW ids.
WINDOWS_LABEL = 5
BLOCK = 10_000  # ids per block lexeme in the articles_search_filtered index (chainwatch_search_tsv, migration 012)
STATEMENT_TIMEOUT_MS = 30_000

_LANG_RE = re.compile(r"^[a-z]{2,3}$")
HIGHLIGHT_START, HIGHLIGHT_STOP = "«", "»"  # around the matched words of a snippet
_START, _STOP = HIGHLIGHT_START, HIGHLIGHT_STOP
SORTS = ("relevance", "date")
CATEGORIES = ("news", "official")


class SearchError(ChainWatchError):
    """A search argument is invalid (the message says which and why)."""

    exit_code = 2


@dataclass
class SearchHit:
    article_id: int
    title: str
    url: str
    source: str
    published_at: datetime | None
    lang: str | None
    rank: float
    snippet: str
    labels: list[str] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)  # each label's probability, in the order of labels
    published_day: date | None = None  # the publisher's own day (articles.published_day), shown as the date

    @property
    def day(self) -> date | None:
        """The date to show: the publisher's own day, else the UTC day of published_at."""
        if self.published_day is not None or self.published_at is None:
            return self.published_day
        return self.published_at.astimezone(UTC).date()

    def to_dict(self) -> dict:
        d = asdict(self)
        d["published_at"] = self.published_at.isoformat() if self.published_at else None
        d["published_day"] = self.day.isoformat() if self.day else None
        return d


def _sql(name: str) -> str:
    return load_statement(SQL_DIR / f"{name}.sql")


def _show(value: object, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 4] + "...'"


def _check_text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise SearchError(f"{name} must be text, got {type(value).__name__}")
    if "\x00" in value:
        raise SearchError(f"{name} contains a NUL byte, which text cannot hold")
    return value


# -- argument checks ----------------------------------------------------------------------------


def _as_bound(name: str, value: date | datetime | str | None, *, end: bool) -> datetime | None:
    """A UTC instant: a date means its start (since) or the start of the next day (until, inclusive)."""
    if value is None:
        return None
    if isinstance(value, str):
        _check_text(name, value)
        text = value.strip()
        try:
            value = datetime.fromisoformat(text) if ("T" in text or " " in text) else date.fromisoformat(text)
        except ValueError:
            raise SearchError(f"invalid date {_show(value)} for {name} (want YYYY-MM-DD)") from None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        try:
            day = value + timedelta(days=1) if end else value
        except OverflowError:
            raise SearchError(f"date {value} for {name} is out of range") from None
        return datetime.combine(day, time.min, tzinfo=UTC)
    raise SearchError(f"invalid date {_show(value)} for {name} (want YYYY-MM-DD)")


def _valid_labels(cur) -> list[str]:

    cur.execute("SELECT id FROM labels")
    return sorted({r[0] for r in cur.fetchall()} | set(taxonomy.label_ids()))


def _check_label(cur, label: str) -> None:
    valid = _valid_labels(cur)
    if label not in valid:
        raise SearchError(f"unknown label {_show(label)}; valid labels: {', '.join(valid)}")


def _check_source(cur, source: str) -> None:
    cur.execute("SELECT 1 FROM sources WHERE id = %s", (source,))
    if cur.fetchone() is None:
        cur.execute("SELECT id FROM sources ORDER BY id LIMIT 51")
        known = [r[0] for r in cur.fetchall()]
        shown = ", ".join(known[:50]) + (", ..." if len(known) > 50 else "")
        raise SearchError(f"unknown source {_show(source)}; known sources: {shown or '(none stored yet)'}")


def _resolve_entities(cur: Any, names: list[str]) -> list[str]:
    """Entity ids for ids, names or aliases (`--entity Binance`, `--entity 币安`)."""
    ids = []
    for name in names:
        name = _check_text("entity", name).strip()
        found = find_entities(cur, name, limit=6)
        exact = [f for f in found if f[0] == name.lower() or f[2].lower() == name.lower()]
        if len(exact) == 1 or len(found) == 1:
            ids.append((exact or found)[0][0])
        elif not found:
            raise SearchError(f"unknown entity {_show(name)} (see `chainwatch entities list`)")
        else:
            raise SearchError(f"entity {_show(name)} is ambiguous: " + ", ".join(f"{i} ({n})" for i, _, n in found))
    return sorted(set(ids))


def _entity_hits(cur: Any, entity_ids: list[str], **filters: Any) -> list[SearchHit]:
    """With entities and no words: the newest articles that mention every entity."""
    rows = articles_mentioning(cur, entity_ids, **filters)
    return [
        SearchHit(
            article_id=r.article_id,
            title=r.title,
            url=r.url,
            source=r.source_id,
            published_at=r.published_at,
            lang=r.lang,
            rank=0.0,
            snippet=" ".join(r.snippet.split()),
            labels=r.labels,
            published_day=r.published_day,
        )
        for r in rows
    ]


# -- snippets -----------------------------------------------------------------------------------


def _zh_snippet(text: str, groups: list[tuple[str, str]], width: int = 40) -> str | None:
    """A window of Chinese text around the first query word (or sub-word) found, marked like ts_headline."""
    # a word itself when the text has it, else its sub-words (how the article matched)
    cands = sorted(
        {c for word, parts in groups for c in ([word] if word in text else parts.split())}, key=len, reverse=True
    )
    pattern = re.compile("|".join(re.escape(c) for c in cands)) if cands else None
    m = pattern.search(text) if pattern else None
    if m is None:
        return None
    start, stop = max(0, m.start() - width), min(len(text), m.end() + width)
    window = pattern.sub(lambda w: f"{_START}{w.group(0)}{_STOP}", text[start:stop])
    return ("…" if start > 0 else "") + window + ("…" if stop < len(text) else "")


# -- search -------------------------------------------------------------------------------------


def _lexeme(text: str) -> str:
    """One lexeme as a tsquery operand, quoted the way tsquery input wants."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass(frozen=True)
class _Filters:
    """The source, language and category filters in the search index's query as lexemes ('# <source
    id>', '% <lang>', migration 012): a source always, a language or category when it is narrow, else
    as a plain condition on the rows (the *_sql values; None when the lexemes do it or no filter)."""

    lexemes: list[str]
    lang_sql: str | None
    category_sql: list[str] | None  # the category's sources
    nothing: bool  # a category without sources: nothing can match


NARROW = 0.5  # a filter goes into the index query when it keeps under this share of the sources


def _filters(cur: Any, *, source: str | None, lang: str | None, category: str | None) -> _Filters:
    cur.execute(_sql("filter_sources"), {"lang": lang, "category": category})
    total, in_lang, in_category = cur.fetchone()
    lexemes = []
    if source is not None:
        lexemes.append(_lexeme(f"# {source}"))
    narrow_lang = lang is not None and in_lang < NARROW * total
    if narrow_lang:
        lexemes.append(_lexeme(f"% {lang}"))
    narrow_category = category is not None and 0 < len(in_category) < NARROW * total
    if narrow_category:
        lexemes.append("( " + " | ".join(_lexeme(f"# {s}") for s in in_category) + " )")
    return _Filters(
        lexemes=lexemes,
        lang_sql=None if narrow_lang else lang,
        category_sql=None if narrow_category or category is None else list(in_category),
        nothing=category is not None and not in_category,
    )


def _newest_matches(cur, statement: str, params: dict, lexemes: list[str]) -> list[int]:
    """Ids of the newest POOL matches: windows of WINDOW, 2x, 4x ... ids from the newest down, then one
    statement for all older ids (no window: the planner combines the GIN indexes with the filters').
    `lexemes`: the narrow filters (_filters), part of every statement's text query.

    That last statement is reached only when matches are sparse among the newest ids, so it reads the
    matches from the GIN index (a bitmap) rather than every older id newest first: a planner that takes
    the words and the filters as independent sometimes chooses the latter ('bitcoin' in Chinese articles
    on the 1,000,000-article benchmark: 3.4 s instead of 21 ms)."""
    cur.execute("SELECT min(id), max(id) FROM articles")
    first, last = cur.fetchone()
    ids: list[int] = []
    if last is None:
        return ids
    top, width = last, WINDOW or (last - first + 1)
    windows = WINDOWS if statement == "matches" else WINDOWS_LABEL
    for step in range(windows + 1):
        if top < first or len(ids) >= POOL:
            break
        bottom = max(top - width, first - 1) if step < windows else first - 1
        blocks = " | ".join(f"'@ {b}'" for b in range((bottom + 1) // BLOCK, top // BLOCK + 1))
        restrict = ([f"( {blocks} )"] if step < windows else []) + lexemes
        window = {"id_lo": bottom, "id_hi": top, "restrict": " & ".join(restrict) or None}
        bitmap_only = step == windows and statement == "matches"  # see above
        if bitmap_only:
            cur.execute("SET LOCAL enable_indexscan = off")
        cur.execute(_sql(statement), {**params, **window, "pool": POOL - len(ids)})
        ids += [r[0] for r in cur.fetchall()]
        if bitmap_only:
            cur.execute("SET LOCAL enable_indexscan = on")
        top, width = bottom, width * 2
    return ids


@dataclass
class SearchResults:
    hits: list[SearchHit]
    matched: int  # matching articles found, at most POOL
    capped: bool  # POOL were found: older matches exist and are not ranked


def search(
    query: str,
    *,
    label: str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    lang: str | None = None,
    source: str | None = None,
    limit: int = 20,
    database_url: str | None = None,
    entities: list[str] | None = None,
) -> list[SearchHit]:
    """Articles matching `query`, best first. Raises SearchError (a ChainWatchError) on bad arguments.

    `since`/`until` are UTC days, both inclusive (dates, datetimes or YYYY-MM-DD text). `label` is a
    taxonomy label id, `lang` an ISO 639-1 code, `source` a source id. `entities` are entity ids,
    names or aliases (docs/entities.md) that an article must all mention; with entities the query
    may be empty, and then the newest articles that mention them come first.
    """
    found = search_page(
        query,
        label=label,
        since=since,
        until=until,
        lang=lang,
        source=source,
        limit=limit,
        database_url=database_url,
        entities=entities,
    )
    return found.hits


def search_page(
    query: str,
    *,
    label: str | None = None,
    min_score: float | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    lang: str | None = None,
    source: str | None = None,
    category: str | None = None,
    sort: str = "relevance",
    offset: int = 0,
    limit: int = 20,
    database_url: str | None = None,
    connection: Any = None,
    entities: list[str] | None = None,
) -> SearchResults:
    """One page of search()'s results and how many matched: rows offset+1 .. offset+limit of the ranked
    matches (`sort="relevance"`), or of the same matches newest first (`sort="date"`).

    Two filters more than search(): `min_score` (0-1, with `label`: the label's probability at least this)
    and `category` ('news' or 'official': the source's category). Paging reaches the POOL newest matches
    at most (`matched`; `capped` says that more exist). `connection`: an open connection to search on
    (the caller keeps it open), instead of connecting to `database_url`.
    """
    query = _check_text("search query", query).strip()
    if not query and not entities:
        raise SearchError('search query is empty: give words to look for, e.g. "tornado cash"')
    if len(query) > MAX_QUERY_CHARS:
        raise SearchError(f"search query is too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
    if label is not None:
        label = _check_text("label", label).strip()
    if source is not None:
        source = _check_text("source", source).strip()
    if lang is not None:
        lang = _check_text("lang", lang).strip().lower()
        if not _LANG_RE.match(lang):
            raise SearchError(f"invalid language code {_show(lang)} (want an ISO 639-1 code such as en or zh)")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"limit must be a whole number from 1 to {MAX_LIMIT}, got {_show(limit)}")
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset < POOL:
        raise SearchError(f"offset must be a whole number from 0 to {POOL - 1}, got {_show(offset)}")
    if min_score is not None:
        if label is None:
            raise SearchError("min_score needs a label: it is the lowest probability of that label")
        if isinstance(min_score, bool) or not isinstance(min_score, (int, float)) or not 0 <= min_score <= 1:
            raise SearchError(f"min_score must be a number from 0 to 1, got {_show(min_score)}")
    if category is not None and category not in CATEGORIES:
        raise SearchError(f"invalid category {_show(category)} (want one of {', '.join(CATEGORIES)})")
    if sort not in SORTS:
        raise SearchError(f"invalid sort {_show(sort)} (want one of {', '.join(SORTS)})")
    lo = _as_bound("since", since, end=False)
    hi = _as_bound("until", until, end=True)
    if lo and hi and lo >= hi:
        raise SearchError(f"since ({lo.date()}) is after until ({(hi - timedelta(microseconds=1)).date()})")

    _, groups = split_query(query)
    conn = connection if connection is not None else db.connect(database_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SET TRANSACTION READ ONLY")
            cur.execute("SET LOCAL statement_timeout = %s", (STATEMENT_TIMEOUT_MS,))
            cur.execute("SET LOCAL jit = off")  # compiling plans costs more than these queries
            cur.execute("SET LOCAL work_mem = '32MB'")  # exact (not lossy) bitmaps for common words
            cur.execute("SET LOCAL max_parallel_workers_per_gather = 0")  # short queries: workers cost more
            if label is not None:
                _check_label(cur, label)
            if source is not None:
                _check_source(cur, source)
            entity_ids = _resolve_entities(cur, entities or [])
            if not query:
                hits = _entity_hits(
                    cur,
                    entity_ids,
                    label=label,
                    min_score=min_score,
                    since=lo,
                    until=hi,
                    lang=lang,
                    source=source,
                    category=category,
                    offset=offset,
                    limit=limit,
                )
                return SearchResults(hits, len(hits), False)
            tsq = tsquery_text(cur, query)
            if not tsq:
                return SearchResults([], 0, False)  # only stop words or punctuation: nothing can match
            narrow = _filters(cur, source=source, lang=lang, category=category)
            if narrow.nothing:
                return SearchResults([], 0, False)
            filters = {
                "tsq": tsq,
                "since": lo,
                "until": hi,
                "lang": narrow.lang_sql,
                "category_sources": narrow.category_sql,
                "label": label,
                "min_score": float(min_score or 0),
                "entities": entity_ids,
            }
            if label is not None:
                # Every join of matches_label.sql is a key lookup for a bounded set of candidates; a hash
                # join would read all of classified_articles instead (chosen when rows are misestimated).
                cur.execute("SET LOCAL enable_hashjoin = off")
                cur.execute("SET LOCAL enable_mergejoin = off")
            ids = _newest_matches(cur, "matches" if label is None else "matches_label", filters, narrow.lexemes)
            if not ids:
                return SearchResults([], 0, False)
            cur.execute(
                _sql("hits"), {"ids": ids, "tsq": tsq, "lim": limit, "offset": offset, "by_date": sort == "date"}
            )
            rows = cur.fetchall()
    except ValueError as exc:  # psycopg2 refuses some values (NUL bytes) before sending them
        raise SearchError(f"invalid search argument: {exc}") from None
    except psycopg2.errors.QueryCanceled:
        raise SearchError("search took too long and was cancelled; narrow it with filters") from None
    except psycopg2.DataError as exc:  # a value PostgreSQL rejects (e.g. a date out of its range)
        first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
        raise SearchError(f"invalid search argument: {first}") from None
    finally:
        if connection is None:
            conn.close()

    hits = []
    for aid, title, url, src, published, lng, rank, day, headline, labels, zh_text, scores in rows:
        snippet = headline or ""
        if zh_text and groups and _START not in snippet:
            snippet = _zh_snippet(zh_text, groups) or snippet
        hits.append(
            SearchHit(
                article_id=aid,
                title=title,
                url=url,
                source=src,
                published_at=published,
                lang=lng,
                rank=float(rank),
                snippet=" ".join(snippet.split()),
                labels=list(labels or []),
                scores=[float(p) for p in scores or []],
                published_day=day,
            )
        )
    return SearchResults(hits, len(ids), len(ids) >= POOL)
