"""Home: the week at a glance (the digest's summary, per-label counts with spikes, top stories)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from chainwatch.web import reads
from chainwatch.web.pages.common import render, settings
from chainwatch.web.params import WEEK_PATTERN

router = APIRouter(include_in_schema=False)


@router.get("/")
def home_page(request: Request, week: Annotated[str | None, Query(pattern=WEEK_PATTERN)] = None) -> Response:
    data = reads.home(settings(request), week)
    return render(request, "home.html.j2", **data)


@router.get("/healthz")
def health() -> dict[str, Any]:
    return {"status": "ok"}
