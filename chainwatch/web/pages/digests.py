"""Digests: the archive by ISO week; each digest is the stored HTML file itself, framed (sandboxed,
its own strict CSP) inside the app, with the Markdown as a download."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from chainwatch.web import reads
from chainwatch.web.pages.common import render, settings
from chainwatch.web.params import WEEK_PATTERN
from chainwatch.web.security import DIGEST_CSP

router = APIRouter(include_in_schema=False)
Week = Annotated[str, Path(pattern=WEEK_PATTERN)]


@router.get("/digests")
def digests_page(request: Request) -> Response:
    return render(request, "digests.html.j2", weeks=reads.digest_weeks(settings(request)))


@router.get("/digests/{week}")
def digest_page(request: Request, week: Week) -> Response:
    found = reads.digest_content(settings(request), week, "html")
    weeks = [w["iso_week"] for w in reads.digest_weeks(settings(request))]
    i = weeks.index(found["iso_week"]) if found["iso_week"] in weeks else -1
    return render(
        request,
        "digest.html.j2",
        digest=found,
        newer=weeks[i - 1] if i > 0 else None,
        older=weeks[i + 1] if 0 <= i < len(weeks) - 1 else None,
    )


MEDIA = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}


def stored_file(found: dict[str, Any]) -> Response:
    """A stored digest as its file: HTML framed here only (sandboxed, no script), Markdown as a download."""
    fmt = found["format"]
    headers = (
        {"Content-Security-Policy": DIGEST_CSP, "X-Frame-Options": "SAMEORIGIN"}
        if fmt == "html"
        else {"Content-Disposition": f'attachment; filename="digest-{found["iso_week"]}.md"'}
    )
    return Response(found["content"], media_type=MEDIA[fmt], headers=headers)


@router.get("/digests/{week}/digest.{fmt}")
def digest_file(request: Request, week: Week, fmt: Annotated[Literal["html", "md"], Path()]) -> Response:
    return stored_file(reads.digest_content(settings(request), week, fmt))
