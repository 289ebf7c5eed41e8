"""The FastAPI application: middleware, error handlers, static files, one router per area."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from chainwatch.errors import ChainWatchError, DatabaseUnavailable
from chainwatch.web import api, pages
from chainwatch.web.pages.common import render
from chainwatch.web.params import BlankParamsMiddleware
from chainwatch.web.reads import BadParameter, NotFound
from chainwatch.web.security import SecurityHeadersMiddleware, TokenMiddleware, is_api
from chainwatch.web.settings import WebSettings
from chainwatch.web.throttle import FailureThrottle

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")
API_DESCRIPTION = """Read-only access to everything ChainWatch stores: articles with their labels,
evidence and stories, weekly label counts, digests and source health. Send
`Authorization: Bearer <CHAINWATCH_API_TOKEN>` when the server has a token. Errors are JSON:
`{"error": {"status": ..., "message": ...}}`; bad parameters get 422."""


def create_app(settings: WebSettings) -> FastAPI:
    app = FastAPI(
        title="ChainWatch API",
        version="1",
        description=API_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.throttle = FailureThrottle()  # wrong tokens per client address: /login and bearer values
    # Added last runs first: headers go on every response, the token check then the blank-field redirect.
    app.add_middleware(BlankParamsMiddleware)
    app.add_middleware(TokenMiddleware, token=settings.token, throttle=app.state.throttle)
    app.add_middleware(SecurityHeadersMiddleware)
    # Swagger UI's files come from the swagger-ui-bundle package: the docs work offline, without a CDN.
    app.mount("/static/swagger", StaticFiles(directory=api.swagger_assets()), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (*pages.ROUTERS, *api.ROUTERS):
        app.include_router(router)
    _error_handlers(app)
    return app


def error_response(
    request: Request, status: int, message: str, details: list[dict[str, Any]] | None = None
) -> Response:
    """JSON for the API, an error page for the pages; never a stack trace."""
    if is_api(request.url.path):
        body: dict[str, Any] = {"status": status, "message": message}
        if details:
            body["details"] = details
        return JSONResponse({"error": body}, status_code=status)
    return render(request, "error.html.j2", status_code=status, status=status, message=message, details=details or [])


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {"param": ".".join(str(p) for p in e.get("loc", ())[1:]) or "request", "message": e.get("msg", "invalid")}
            for e in exc.errors()
        ]
        message = "; ".join(f"{d['param']}: {d['message']}" for d in details)
        return error_response(request, 422, f"invalid parameter: {message}", details)

    @app.exception_handler(BadParameter)
    async def bad_parameter(request: Request, exc: BadParameter) -> Response:
        return error_response(request, 422, str(exc), [{"param": exc.param, "message": str(exc)}])

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return error_response(request, 404, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        return error_response(request, exc.status_code, message)

    @app.exception_handler(DatabaseUnavailable)
    async def unavailable(request: Request, exc: DatabaseUnavailable) -> Response:
        log.error("database unavailable: %s", exc)
        return error_response(request, 503, "the database is not reachable; try again shortly")

    @app.exception_handler(ChainWatchError)
    async def chainwatch_error(request: Request, exc: ChainWatchError) -> Response:
        return error_response(request, 422, str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return error_response(request, 500, "internal error (logged on the server)")


def serve(settings: WebSettings) -> None:
    """Run the app with uvicorn until interrupted."""
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        proxy_headers=False,
        server_header=False,
        access_log=False,
    )
