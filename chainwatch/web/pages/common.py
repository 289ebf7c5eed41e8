"""What every page handler needs: the settings and a render call with the shared context."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from chainwatch.web.rendering import templates
from chainwatch.web.settings import WebSettings

NAV = (
    ("/", "Home"),
    ("/search", "Search"),
    ("/digests", "Digests"),
    ("/labels", "Labels"),
    ("/entities", "Entities"),
    ("/sources", "Sources"),
    ("/api/v1/docs", "API"),
)


def settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    base = {"nav": NAV, "path": request.url.path, "protected": settings(request).token is not None}
    return templates.TemplateResponse(request, template, {**base, **context}, status_code=status_code)
