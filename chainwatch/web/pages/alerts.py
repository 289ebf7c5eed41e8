"""An alert rule's Atom feed (docs/alerts.md): /alerts/<rule>/feed.atom, built by chainwatch.alerts
on the app's read-only connection (the feed needs no recipient or webhook URL)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from chainwatch.alerts.feed import feed_for
from chainwatch.alerts.rules import AlertRuleError
from chainwatch.web.pages.common import settings
from chainwatch.web.reads import NotFound, reading

router = APIRouter(include_in_schema=False)


@router.get("/alerts/{rule}/feed.atom")
def alert_feed(request: Request, rule: Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]) -> Response:
    with reading(settings(request)) as cur:
        try:
            body = feed_for(cur, rule, self_url=str(request.url))
        except AlertRuleError as exc:
            raise NotFound(str(exc)) from None
    return Response(body, media_type="application/atom+xml; charset=utf-8")
