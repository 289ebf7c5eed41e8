"""What the pages and the JSON API read: one function per screen, shared by both, so a page and its
endpoint always say the same thing. Rows come from the floor's read queries
(chainwatch.storage.browse, storage.sources), the search stage and the digests stage; every read
runs in a read-only transaction as the reader role (WebSettings.database_url).

Values are plain dicts and lists of JSON-friendly types (datetimes stay datetimes: the API encodes
them, the templates format them). Scraped text is raw here: templates escape it, exports neutralise it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Any

import psycopg2
from psycopg2.pool import ThreadedConnectionPool

from chainwatch import db, taxonomy
from chainwatch.digests import IsoWeek, parse_week, read_digest
from chainwatch.digests.summary import BASELINE_WEEKS, is_spike
from chainwatch.digests.weeks import week_of
from chainwatch.errors import ChainWatchError, DatabaseUnavailable
from chainwatch.search import POOL, SearchError, search_page
from chainwatch.storage import browse, health
from chainwatch.storage import digests as stored_digests
from chainwatch.storage import entities as entity_store
from chainwatch.web.settings import WebSettings

MAX_LIMIT = 100  # rows per page, API and pages alike
EXPORT_LIMIT = POOL  # rows in one CSV / JSON export: every ranked match
LABEL_WEEKS = 26  # the label page's trend window
RUNS_PER_SOURCE = 5
SORTS = ("relevance", "date")
CATEGORIES = ("news", "official")


class BadParameter(ChainWatchError):
    """A query parameter is well-formed but wrong (unknown label, since after until, a stale cursor):
    answered with 422 and the message."""

    exit_code = 2

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param


class NotFound(ChainWatchError):
    """What the URL names does not exist: answered with 404 and the message."""


@contextlib.contextmanager
def pooled(settings: WebSettings) -> Iterator[Any]:
    """A read-only connection (REPEATABLE READ, as the reader role) from the app's pool: opening one
    costs more than most of the app's reads. One that failed is closed, not given back."""
    pool, slots = _pool(settings.database_url)
    with slots:  # waits while POOL_SIZE requests hold a connection (the pool itself would raise)
        try:
            conn = pool.getconn()
        except psycopg2.OperationalError as exc:
            raise DatabaseUnavailable(f"cannot connect to PostgreSQL at {db.redact(settings.database_url)}") from exc
        try:
            if not conn.readonly:
                conn.set_session(readonly=True, isolation_level="REPEATABLE READ")
            yield conn
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
            conn.close()
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise DatabaseUnavailable(f"lost the connection to PostgreSQL: {first}") from exc
        finally:
            pool.putconn(conn, close=conn.closed != 0 or conn.info.transaction_status != 0)


@contextlib.contextmanager
def reading(settings: WebSettings) -> Iterator[Any]:
    """A cursor in one read-only snapshot on a pooled connection."""
    with pooled(settings) as conn, conn, conn.cursor() as cur:
        cur.execute("SET LOCAL jit = off")  # compiling plans costs more than these short reads
        yield cur


_pools: dict[str, tuple[ThreadedConnectionPool, threading.BoundedSemaphore]] = {}
_pools_lock = threading.Lock()
POOL_SIZE = 8  # connections at most per database at once (more requests wait)
POOL_KEPT = 4  # idle connections kept (opened with the pool; psycopg2's pool closes the ones above this)


def _pool(url: str) -> tuple[ThreadedConnectionPool, threading.BoundedSemaphore]:
    with _pools_lock:
        if url not in _pools:
            pool = ThreadedConnectionPool(
                POOL_KEPT, POOL_SIZE, url, connect_timeout=10, application_name="chainwatch-web"
            )
            _pools[url] = (pool, threading.BoundedSemaphore(POOL_SIZE))
        return _pools[url]


# -- the article listing: search with a text query, browse without ------------------------------


@dataclass(frozen=True)
class ArticleQuery:
    """The filters of the search page and of GET /api/v1/articles (validated by the routes)."""

    q: str | None = None
    label: str | None = None
    min_score: float | None = None
    source: str | None = None
    lang: str | None = None
    category: str | None = None
    since: date | None = None
    until: date | None = None
    sort: str = "relevance"
    limit: int = 20
    cursor: str | None = None

    def url_params(self, **changes: Any) -> dict[str, str]:
        """The non-empty parameters, as they go in a URL (for links that keep the query)."""
        values = {**self.__dict__, **changes}
        return {
            k: str(v)
            for k, v in values.items()
            if v not in (None, "") and not (k == "sort" and v == "relevance") and not (k == "limit" and v == 20)
        }

    def fingerprint(self) -> str:
        """Identifies the filters (not the page) so a cursor cannot be replayed on another query."""
        key = {k: v for k, v in self.url_params(cursor=None, limit=None).items()}
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:12]


@dataclass
class ArticlePage:
    items: list[dict[str, Any]]
    next_cursor: str | None
    mode: str  # "search" (ranked text matches) | "browse" (newest first)
    matched: int | None = None  # search: matches found, at most search.POOL
    capped: bool = False  # search: more matched than were ranked (the newest POOL are)
    offset: int = 0


def _encode_cursor(query: ArticleQuery, position: dict[str, Any]) -> str:
    raw = json.dumps({"f": query.fingerprint(), **position}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(query: ArticleQuery) -> dict[str, Any] | None:
    if not query.cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(query.cursor + "=" * (-len(query.cursor) % 4))
        position = json.loads(raw)
        if not isinstance(position, dict):
            raise ValueError("not an object")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadParameter("cursor", "invalid cursor: pass back the next_cursor of a previous page unchanged") from None
    if position.get("f") != query.fingerprint():
        raise BadParameter("cursor", "this cursor belongs to another query: start again without a cursor")
    return position


def _day_start(day: date | None, *, end: bool = False) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1) if end else day, time.min, tzinfo=UTC)


def check_filters(settings: WebSettings, query: ArticleQuery) -> None:
    """The checks that need the database or more than one parameter (the routes check each value)."""
    if query.label is not None and query.label not in labels_by_id():
        raise BadParameter("label", f"unknown label {query.label!r}; valid labels: {', '.join(labels_by_id())}")
    if query.min_score is not None and query.label is None:
        raise BadParameter("min_score", "min_score needs a label: it is the lowest score of that label")
    if query.source is not None and query.source not in source_names(settings, known=query.source):
        raise BadParameter("source", f"unknown source {query.source!r}; see /api/v1/sources")
    if query.since and query.until and query.since > query.until:
        raise BadParameter("until", f"since ({query.since}) is after until ({query.until})")
    if query.sort not in SORTS:
        raise BadParameter("sort", f"sort must be one of {', '.join(SORTS)}")
    if query.category is not None and query.category not in CATEGORIES:
        raise BadParameter("category", f"category must be one of {', '.join(CATEGORIES)}")


def find_articles(settings: WebSettings, query: ArticleQuery) -> ArticlePage:
    """One page of articles: ranked text matches when `q` is given, else the newest first."""
    position = _decode_cursor(query)
    check_filters(settings, query)
    names = source_names(settings)
    if not query.q:
        with reading(settings) as cur:
            return _browse(cur, query, position, names)
    return _search(settings, query, position, names)


def _browse(
    cur: Any, query: ArticleQuery, position: dict[str, Any] | None, names: dict[str, tuple[str, str]]
) -> ArticlePage:
    after = None
    if position is not None:
        try:
            after = (datetime.fromisoformat(position["p"]), int(position["i"]))
        except (KeyError, TypeError, ValueError):
            raise BadParameter("cursor", "this cursor belongs to a text search, not to browsing") from None
    rows = browse.list_articles(
        cur,
        label=query.label,
        min_score=query.min_score,
        source=query.source,
        lang=query.lang,
        category=query.category,
        since=_day_start(query.since),
        until=_day_start(query.until, end=True),
        after=after,
        limit=query.limit + 1,
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    items = [
        _item(
            row["id"],
            row["title"],
            row["canonical_url"],
            row["source_id"],
            row["published_at"],
            row["published_day"],
            row["lang"],
            row["labels"] or [],
            row["lead"],
            None,
            names,
        )
        for row in rows
    ]
    cursor = (
        _encode_cursor(query, {"p": rows[-1]["published_at"].isoformat(), "i": rows[-1]["id"]})
        if more and rows
        else None
    )
    return ArticlePage(items=items, next_cursor=cursor, mode="browse")


def _search(
    settings: WebSettings, query: ArticleQuery, position: dict[str, Any] | None, names: dict[str, tuple[str, str]]
) -> ArticlePage:
    offset = 0
    if position is not None:
        given = position.get("o")
        if not isinstance(given, int) or not 0 <= given < POOL:
            raise BadParameter("cursor", "this cursor belongs to browsing, not to a text search")
        offset = given
    try:
        with pooled(settings) as conn:
            found = search_page(
                query.q or "",
                label=query.label,
                min_score=query.min_score,
                since=query.since,
                until=query.until,
                lang=query.lang,
                source=query.source,
                category=query.category,
                sort=query.sort,
                offset=offset,
                limit=query.limit,
                connection=conn,
            )
    except SearchError as exc:
        raise BadParameter("q", str(exc)) from None
    items = [
        _item(
            h.article_id,
            h.title,
            h.url,
            h.source,
            h.published_at,
            h.day,
            h.lang,
            [{"label": lab, "score": score} for lab, score in zip(h.labels, h.scores)],
            h.snippet,
            h.rank,
            names,
        )
        for h in found.hits
    ]
    end = offset + len(found.hits)
    cursor = _encode_cursor(query, {"o": end}) if end < found.matched and found.hits else None
    return ArticlePage(
        items=items, next_cursor=cursor, mode="search", matched=found.matched, capped=found.capped, offset=offset
    )


def _item(
    article_id: int,
    title: str,
    url: str,
    source: str,
    published: datetime | None,
    published_day: date | None,
    lang: str | None,
    labels: list[dict[str, Any]],
    snippet: str | None,
    rank: float | None,
    names: dict[str, tuple[str, str]],
) -> dict[str, Any]:
    name, category = names.get(source, (source, None))
    return {
        "id": article_id,
        "title": title,
        "url": url,
        "source": source,
        "source_name": name,
        "category": category,
        "published_at": published,
        "published_day": published_day,
        "lang": lang,
        "labels": [{"label": lab["label"], "score": round(float(lab["score"]), 3)} for lab in labels],
        "snippet": snippet or "",
        "rank": round(rank, 4) if rank is not None else None,
    }


def export_articles(settings: WebSettings, query: ArticleQuery) -> list[dict[str, Any]]:
    """Every article of a query for CSV / JSON export, in the page's order, at most EXPORT_LIMIT."""
    rows: list[dict[str, Any]] = []
    query = replace(query, cursor=None, limit=MAX_LIMIT)
    while len(rows) < EXPORT_LIMIT:
        page = find_articles(settings, query)
        rows += page.items
        if not page.next_cursor:
            break
        query = replace(query, cursor=page.next_cursor)
    return rows[:EXPORT_LIMIT]


# -- one article --------------------------------------------------------------------------------


def article_detail(settings: WebSettings, article_id: int) -> dict[str, Any]:
    with reading(settings) as cur:
        art = browse.article(cur, article_id)
        if art is None:
            raise NotFound(f"no article {article_id}")
        scores = browse.article_scores(cur, article_id)
        copies = [c for c in browse.story_copies(cur, art["story_id"]) if c["id"] != article_id]
        mentions = article_entities(cur, article_id)
    known = labels_by_id()
    art["labels"] = [
        {
            "label": s["label"],
            "name": known[s["label"]].name if s["label"] in known else s["name"],
            "kind": s["kind"],
            "score": round(float(s["probability"]), 3),
            "positive": s["positive"],
            "evidence": s["evidence"],
        }
        for s in scores
    ]
    art["classification"] = (
        {
            "model_version": scores[0]["model_version"],
            "classified_at": scores[0]["classified_at"],
            "status": scores[0]["status"],
        }
        if scores
        else None
    )
    art["story"] = {"story_id": art["story_id"], "copies": copies}
    art.update(mentions)
    return art


def article_entities(cur: Any, article_id: int) -> dict[str, list[dict[str, Any]]]:
    """An article's entities and money amounts (latest extraction), each once in order of first
    mention with how often it is named (a title usually repeats what the text says)."""
    chips: dict[tuple[Any, ...], dict[str, Any]] = {}
    amounts: dict[tuple[Any, ...], dict[str, Any]] = {}
    for m in entity_store.article_mentions(cur, article_id):
        if m["entity_id"] is None:
            key: tuple[Any, ...] = (m["surface"], m["currency"], m["amount"])
            seen = amounts.setdefault(
                key,
                {
                    "surface": m["surface"],
                    "currency": m["currency"],
                    "amount": _number(m["amount"]),
                    "amount_usd": _number(m["amount_usd"]),
                    "mentions": 0,
                },
            )
        else:
            key = (m["entity_id"],)
            seen = chips.setdefault(
                key,
                {
                    "entity_id": m["entity_id"],
                    "name": m["entity_name"] or m["entity_id"],
                    "kind": m["kind"],
                    "mentions": 0,
                },
            )
        seen["mentions"] += 1
    return {"entities": list(chips.values()), "amounts": list(amounts.values())}


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


# -- labels -------------------------------------------------------------------------------------


def labels_by_id() -> dict[str, taxonomy.Label]:
    return {lab.id: lab for lab in taxonomy.load()}


def label_json(lab: taxonomy.Label) -> dict[str, Any]:
    return {
        "id": lab.id,
        "kind": lab.kind,
        "name": lab.name,
        "description": lab.description,
        "keywords": {lang: list(words) for lang, words in lab.keywords.items()},
    }


def label_weeks(
    settings: WebSettings, label: str, since: date | None = None, until: date | None = None, weeks: int = LABEL_WEEKS
) -> dict[str, Any]:
    """A label's items per ISO week, every week of the range (zeros included), with spikes marked
    by the digest's rule (chainwatch.digests.summary). Default range: the last `weeks` weeks with
    articles."""
    known = labels_by_id()
    if label not in known:
        raise NotFound(f"unknown label {label!r}; valid labels: {', '.join(known)}")
    with reading(settings) as cur:
        first, last = browse.date_span(cur)
        end_week = week_of(until) if until else (week_of(last) if last else week_of(datetime.now(UTC)))
        start_week = week_of(since) if since else end_week.shift(-(weeks - 1))
        if first and not since:
            start_week = max(start_week, week_of(first))
        if start_week > end_week:
            raise BadParameter("since", f"since ({since}) is after until ({until})")
        span = weeks_between(start_week, end_week)
        if len(span) > 520:
            raise BadParameter("since", "at most 520 weeks (ten years) at once")
        base = span[0].shift(-BASELINE_WEEKS)
        counts = {r["week_start"]: r for r in browse.label_weeks(cur, label, base.start, end_week.end)}
        totals = browse.week_items(cur, base.start, end_week.end)
    rows = []
    for w in span:
        row = counts.get(w.monday)
        before = [w.shift(-i).monday for i in range(1, BASELINE_WEEKS + 1)]
        average = sum(counts[d]["items"] if d in counts else 0 for d in before) / BASELINE_WEEKS
        has_baseline = any(totals.get(d, 0) for d in before)
        items = row["items"] if row else 0
        rows.append(
            {
                "iso_week": str(w),
                "week_start": w.monday,
                "week_end": w.sunday,
                "items": items,
                "stories": row["stories"] if row else 0,
                "sources": row["sources"] if row else 0,
                "all_items": totals.get(w.monday, 0),
                "average4": round(average, 2),
                "spike": has_baseline and is_spike(items, average),
            }
        )
    return {"label": label_json(known[label]), "weeks": rows}


def weeks_between(first: IsoWeek, last: IsoWeek) -> list[IsoWeek]:
    out, w = [], first
    while w <= last:
        out.append(w)
        w = w.shift(1)
    return out


def label_detail(settings: WebSettings, label: str) -> dict[str, Any]:
    trend = label_weeks(settings, label)
    recent = find_articles(settings, ArticleQuery(label=label, limit=15))
    spikes = [w for w in label_weeks(settings, label, weeks=520)["weeks"] if w["spike"]]
    return {**trend, "recent": recent.items, "spikes": list(reversed(spikes))}


# -- sources ------------------------------------------------------------------------------------


SOURCES_TTL_S = 60.0  # sources change when the registry is synced: a minute-old list is fine
_sources_cache: dict[str, tuple[float, dict[str, tuple[str, str]]]] = {}


def source_names(settings: WebSettings, *, known: str | None = None) -> dict[str, tuple[str, str]]:
    """{source id: (display name, category)}, kept a minute per database; read again at once when the
    source `known` is expected but missing (registered since)."""
    cached = _sources_cache.get(settings.database_url)
    stale = cached is None or monotonic() - cached[0] > SOURCES_TTL_S
    if stale or (known is not None and cached is not None and known not in cached[1]):
        with reading(settings) as cur:
            names = {row["id"]: (row["name"], row["category"]) for row in browse.sources(cur)}
        _sources_cache[settings.database_url] = cached = (monotonic(), names)
    assert cached is not None
    return cached[1]


def sources_overview(settings: WebSettings) -> list[dict[str, Any]]:
    """Every source: health flag (the source_health view), latest runs with their error kinds."""
    with reading(settings) as cur:
        flags = health.current(cur)
        runs = browse.recent_runs(cur, RUNS_PER_SOURCE)
        meta = {row["id"]: row for row in browse.sources(cur)}
    by_source: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        by_source.setdefault(run["source_id"], []).append(run)
    out = []
    for h in flags:
        m = meta.get(h["source_id"], {})
        kinds = sorted((h.get("error_counts") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
        out.append(
            {
                **h,
                "category": m.get("category"),
                "domain": m.get("domain"),
                "flagged": h["health"] not in ("ok", "never_run"),
                "error_kinds": [{"kind": k, "count": n} for k, n in kinds],
                "runs": by_source.get(h["source_id"], []),
            }
        )
    return out


# -- digests ------------------------------------------------------------------------------------


def digest_weeks(settings: WebSettings) -> list[dict[str, Any]]:
    with reading(settings) as cur:
        return stored_digests.stored_weeks(cur)


def digest_content(settings: WebSettings, week: str, fmt: str) -> dict[str, Any]:
    iso = _week(week)
    with reading(settings) as cur:
        found = stored_digests.stored(cur, str(iso), fmt)
    if found is None:
        raise NotFound(f"no {fmt} digest for {iso}; build it with `chainwatch digest --week {iso}`")
    return {"iso_week": str(iso), "format": fmt, **found}


def _week(value: str) -> IsoWeek:
    try:
        return parse_week(value)
    except ChainWatchError as exc:
        raise BadParameter("week", str(exc)) from None


def default_week(stored: list[dict[str, Any]]) -> str:
    """The newest stored digest week holding at least a tenth of the busiest week's items: a nearly
    empty newest week (a few stray items) does not hide the last real one. `stored` is newest first."""
    busiest = max(w["item_count"] for w in stored)
    return str(next(w["iso_week"] for w in stored if w["item_count"] * 10 >= busiest))


def home(settings: WebSettings, week: str | None = None) -> dict[str, Any]:
    """The week at a glance: the digest's numbers read live (chainwatch.digests.read_digest) for
    `week`, default `default_week()` of the stored digests, else the newest week with articles."""
    stored = digest_weeks(settings)
    if week:
        iso = _week(week)
    elif stored:
        iso = parse_week(default_week(stored))
    else:
        with reading(settings) as cur:
            _, last = browse.date_span(cur)
        iso = week_of(last) if last else week_of(datetime.now(UTC)).shift(-1)
    digest = read_digest(iso, settings.database_url)
    return {"week": iso, "digest": digest, "stored": stored, "previous": iso.shift(-1), "next": iso.shift(1)}


def source_list(cur: Any) -> list[dict[str, Any]]:
    """Every registered source (for filter menus)."""
    return browse.sources(cur)


def check_database(settings: WebSettings) -> None:
    """Fail early, with the fix, when the app cannot read: server down, no reader role, old schema."""
    try:
        with reading(settings) as cur:
            browse.date_span(cur)
            stored_digests.stored_weeks(cur)
    except psycopg2.errors.UndefinedTable:
        raise ChainWatchError("the database schema is not up to date: run `chainwatch db upgrade`") from None
    except psycopg2.errors.InsufficientPrivilege as exc:
        raise ChainWatchError(
            f"the reader role cannot read the tables ({str(exc).splitlines()[0]}): run `chainwatch db upgrade`"
        ) from None
    except psycopg2.Error as exc:
        raise ChainWatchError(
            f"cannot read the database as {db.READER_ROLE} ({str(exc).strip().splitlines()[0]}): "
            "run `chainwatch db upgrade`; the login role must be a member of "
            f"{db.READER_ROLE} (superusers are)"
        ) from None
