"""The JSON API under /api/v1, one router per area; the OpenAPI document is /api/v1/openapi.json and
the interactive docs /api/v1/docs (Swagger UI served from this app, no CDN)."""

from chainwatch.web.api import articles, digests, docs, entities, labels, sources
from chainwatch.web.api.docs import swagger_assets

ROUTERS = (articles.router, entities.router, labels.router, digests.router, sources.router, docs.router)

__all__ = ["ROUTERS", "swagger_assets"]
