"""Sources: each source's health flag, its last crawl runs and their error kinds."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from chainwatch.web import reads
from chainwatch.web.pages.common import render, settings

router = APIRouter(include_in_schema=False)


@router.get("/sources")
def sources_page(request: Request) -> Response:
    rows = reads.sources_overview(settings(request))
    return render(request, "sources.html.j2", sources=rows, flagged=[s for s in rows if s["flagged"]])
