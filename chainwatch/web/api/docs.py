"""GET /api/v1/docs: Swagger UI over /api/v1/openapi.json. Its files come from the fastapi-offline
package (no CDN: the docs work offline) and its start-up code from static/api-docs.js (the CSP
allows no inline script)."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from starlette.responses import Response

from chainwatch.web.pages.common import render
from chainwatch.web.security import DOCS_PAGE

router = APIRouter(include_in_schema=False)


def swagger_assets() -> Path:
    """The folder holding swagger-ui-bundle.js and swagger-ui.css."""
    return Path(fastapi_offline.__file__).with_name("static")


@router.get(DOCS_PAGE)
def api_docs(request: Request) -> Response:
    return render(request, "api_docs.html.j2")
