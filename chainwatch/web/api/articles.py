"""GET /api/v1/articles (search or browse, with filters and cursor paging) and /api/v1/articles/{id}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from chainwatch.web import reads
from chainwatch.web.api.models import ERRORS, ArticleOut, ArticlePageOut
from chainwatch.web.params import article_query
from chainwatch.web.reads import ArticleQuery

router = APIRouter(prefix="/api/v1", tags=["articles"], responses=ERRORS)


@router.get("/articles", response_model=ArticlePageOut)
def list_articles(request: Request, query: Annotated[ArticleQuery, Depends(article_query)]) -> dict[str, Any]:
    """Articles matching the filters: with `q`, the ranked full-text matches (at most the newest 1,000
    are ranked); without, every article newest first. Page with `cursor` = the previous `next_cursor`."""
    page = reads.find_articles(request.app.state.settings, query)
    return {
        "mode": page.mode,
        "articles": page.items,
        "next_cursor": page.next_cursor,
        "matched": page.matched,
        "capped": page.capped,
    }


@router.get("/articles/{article_id}", response_model=ArticleOut)
def get_article(request: Request, article_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> dict[str, Any]:
    """One article: its text, every label's score with the evidence of the positive ones, its story."""
    return reads.article_detail(request.app.state.settings, article_id)
