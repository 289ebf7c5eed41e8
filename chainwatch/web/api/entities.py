"""GET /api/v1/entities/{entity} (docs/entities.md): an entity with its first and last mention and
totals, and the newest articles that name it; /api/v1/articles/{id}/entities: an article's
entities and money amounts with their offsets. Both read chainwatch.storage.entities."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from chainwatch.storage import entities as store
from chainwatch.web.api.models import ERRORS
from chainwatch.web.reads import NotFound, reading

router = APIRouter(prefix="/api/v1", tags=["entities"], responses=ERRORS)


@router.get("/entities/{entity}")
def get_entity(
    request: Request,
    entity: Annotated[str, Path(min_length=1, max_length=100, description="Entity id, name or alias (Binance, 币安).")],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    with reading(request.app.state.settings) as cur:
        found = store.find_entities(cur, entity, limit=1)
        summary = store.entity_summary(cur, found[0][0]) if found else None
        if summary is None:
            raise NotFound(f"no entity matches {entity!r}")
        articles = store.entity_articles(cur, summary.entity_id, limit=limit)
    return {**asdict(summary), "articles": [asdict(a) for a in articles]}


@router.get("/articles/{article_id}/entities")
def article_entities(request: Request, article_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> list[dict[str, Any]]:
    with reading(request.app.state.settings) as cur:
        mentions = store.article_mentions(cur, article_id)
    return [{k: (str(v) if k.startswith("amount") and v is not None else v) for k, v in m.items()} for m in mentions]
