"""Search: full text with filters, highlighted snippets, paging; the URL holds the query; CSV and
JSON export of the whole result (every ranked match, at most reads.EXPORT_LIMIT)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from chainwatch.web import export, reads
from chainwatch.web.pages.common import render, settings
from chainwatch.web.params import article_query
from chainwatch.web.reads import ArticleQuery

router = APIRouter(include_in_schema=False)
Query = Annotated[ArticleQuery, Depends(article_query)]


@router.get("/search")
def search_page(request: Request, query: Query) -> Response:
    cfg = settings(request)
    page = reads.find_articles(cfg, query)
    with reads.reading(cfg) as cur:
        sources = reads.source_list(cur)
    return render(
        request,
        "search.html.j2",
        query=query,
        page=page,
        labels=reads.labels_by_id(),
        sources=sources,
        params=query.url_params(cursor=None),
    )


@router.get("/search/export.csv")
def export_csv(request: Request, query: Query) -> Response:
    rows = reads.export_articles(settings(request), query)
    return Response(
        export.to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="chainwatch-search.csv"'},
    )


@router.get("/search/export.json")
def export_json(request: Request, query: Query) -> Response:
    rows = reads.export_articles(settings(request), query)
    return Response(
        export.to_json(rows, query.url_params(cursor=None)),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="chainwatch-search.json"'},
    )
