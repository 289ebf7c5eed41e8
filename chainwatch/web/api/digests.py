"""GET /api/v1/digests and /api/v1/digests/{week}/{format}: the stored weekly digests."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from chainwatch.web import reads
from chainwatch.web.api.models import ERRORS, DigestWeekOut
from chainwatch.web.pages.digests import MEDIA, stored_file
from chainwatch.web.params import WEEK_PATTERN

router = APIRouter(prefix="/api/v1", tags=["digests"], responses=ERRORS)


@router.get("/digests", response_model=list[DigestWeekOut])
def list_digests(request: Request) -> list[dict[str, Any]]:
    """Every stored digest week, newest first, with links to each format."""
    return [
        {**w, "links": {f: f"/api/v1/digests/{w['iso_week']}/{f}" for f in w["formats"]}}
        for w in reads.digest_weeks(request.app.state.settings)
    ]


@router.get(
    "/digests/{week}/{fmt}",
    response_class=Response,
    responses={200: {"content": {MEDIA["html"]: {}, MEDIA["md"]: {}}, "description": "The digest file"}},
)
def get_digest(
    request: Request,
    week: Annotated[str, Path(pattern=WEEK_PATTERN, description="e.g. 2022-W10")],
    fmt: Annotated[Literal["html", "md"], Path(description="html or md")],
) -> Response:
    """One digest as stored: the same file `chainwatch digest` writes."""
    return stored_file(reads.digest_content(request.app.state.settings, week, fmt))
