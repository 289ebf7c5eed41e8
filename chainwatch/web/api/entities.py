"""GET /api/v1/entities: entities by kind with their counts; /api/v1/entities/{entity}: one entity
(by id, name or alias) with its aliases, weekly mentions and newest articles;
/api/v1/articles/{id}/entities: an article's mentions with their offsets (docs/entities.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from chainwatch.storage import entities as store
from chainwatch.web import entity_reads
from chainwatch.web.api.models import ERRORS, EntityListItem, EntityOut
from chainwatch.web.reads import reading

router = APIRouter(prefix="/api/v1", tags=["entities"], responses=ERRORS)


@router.get("/entities", response_model=list[EntityListItem])
def list_entities(
    request: Request,
    kind: Annotated[
        str | None, Query(max_length=20, description=f"One kind only: {', '.join(entity_reads.KINDS)}.")
    ] = None,
    min_articles: Annotated[
        int, Query(ge=0, le=1_000_000, description="Mentioned in at least this many articles (0: all).")
    ] = 1,
    limit: Annotated[int, Query(ge=1, le=entity_reads.MAX_ENTITIES)] = 500,
) -> list[dict[str, Any]]:
    """Entities by kind, the most mentioned first, with article and story counts."""
    return entity_reads.entity_list(request.app.state.settings, kind, min_articles, limit)


@router.get("/entities/{entity}", response_model=EntityOut)
def get_entity(
    request: Request,
    entity: Annotated[str, Path(min_length=1, max_length=100, description="Entity id, name or alias (Binance, 币安).")],
    limit: Annotated[int, Query(ge=1, le=200, description="Newest articles to list.")] = 50,
) -> dict[str, Any]:
    return entity_reads.entity_detail(request.app.state.settings, entity, limit=limit)


@router.get("/articles/{article_id}/entities")
def article_entities(request: Request, article_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> list[dict[str, Any]]:
    with reading(request.app.state.settings) as cur:
        mentions = store.article_mentions(cur, article_id)
    return [{k: (str(v) if k.startswith("amount") and v is not None else v) for k, v in m.items()} for m in mentions]
