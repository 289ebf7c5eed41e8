"""Query parameters shared by the pages and the API, validated by FastAPI (422 with the reason).

Pages send every field of their forms, filled or not; BlankParamsMiddleware drops the empty ones
with a redirect (a clean, shareable URL) before these strict checks see them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import Query
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from chainwatch.web.reads import MAX_LIMIT, ArticleQuery
from chainwatch.web.security import is_api

LABEL_PATTERN = r"^[a-z][a-z0-9_]{1,62}$"
SOURCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
LANG_PATTERN = r"^[a-z]{2,3}$"
WEEK_PATTERN = r"^\d{4}-W\d{2}$"

Label = Annotated[str | None, Query(pattern=LABEL_PATTERN, description="A taxonomy label id (see /api/v1/labels).")]
Since = Annotated[date | None, Query(description="Published on or after this UTC day (YYYY-MM-DD).")]
Until = Annotated[date | None, Query(description="Published on or before this UTC day (YYYY-MM-DD).")]


def article_query(
    q: Annotated[
        str | None,
        Query(
            max_length=1000,
            description=(
                'Full-text query, English and Chinese (web-search syntax: "exact phrase", or, -word). '
                "Without it, articles are listed newest first."
            ),
        ),
    ] = None,
    label: Label = None,
    min_score: Annotated[float | None, Query(ge=0, le=1, description="With label: its score at least this.")] = None,
    source: Annotated[
        str | None, Query(pattern=SOURCE_PATTERN, description="A source id (see /api/v1/sources).")
    ] = None,
    lang: Annotated[str | None, Query(pattern=LANG_PATTERN, description="ISO 639-1 language, e.g. en, zh.")] = None,
    category: Annotated[
        Literal["news", "official"] | None,
        Query(description="official: regulators and other authorities; news: news outlets."),
    ] = None,
    since: Since = None,
    until: Until = None,
    sort: Annotated[
        Literal["relevance", "date"], Query(description="With q: best match first (relevance) or newest first (date).")
    ] = "relevance",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Articles per page, 1-{MAX_LIMIT}.")] = 20,
    cursor: Annotated[str | None, Query(max_length=400, description="next_cursor of the previous page.")] = None,
) -> ArticleQuery:
    return ArticleQuery(
        q=q.strip() or None if q is not None else None,
        label=label,
        min_score=min_score,
        source=source,
        lang=lang,
        category=category,
        since=since,
        until=until,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )


class BlankParamsMiddleware(BaseHTTPMiddleware):
    """A page URL with empty parameters (an unfilled form field) redirects to the same URL without them."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.method == "GET" and not is_api(request.url.path) and request.url.query:
            items = request.query_params.multi_items()
            kept = [(k, v) for k, v in items if v.strip() != ""]
            if len(kept) != len(items):
                query = urlencode(kept)
                return RedirectResponse(request.url.path + (f"?{query}" if query else ""), status_code=303)
        return await call_next(request)
