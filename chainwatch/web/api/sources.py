"""GET /api/v1/sources: every source with its health, latest runs and error kinds."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from chainwatch.web import reads
from chainwatch.web.api.models import ERRORS, SourceOut

router = APIRouter(prefix="/api/v1", tags=["sources"], responses=ERRORS)


@router.get("/sources", response_model=list[SourceOut])
def list_sources(request: Request) -> list[dict[str, Any]]:
    """Every registered source: its health flag, whether it is flagged, its latest runs."""
    return reads.sources_overview(request.app.state.settings)
