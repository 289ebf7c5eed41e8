"""Who may read, and what a browser may do with what it reads.

- Token: when the app has one (required off loopback, see settings), the API wants
  `Authorization: Bearer <token>` and the pages want the session cookie that /login sets after the
  token is typed in. The cookie holds an HMAC of the token, not the token: it is worthless once the
  token changes, and needs no server-side state. Comparisons take constant time, and wrong tokens
  are throttled per client address (throttle.py).
- Headers on every response: a strict Content-Security-Policy (scripts and styles only from this
  origin, no inline script, no plugins, no framing), nosniff, no referrer, no caching of data.
  Scraped text is escaped by the templates (autoescape) and links are http(s) only; the CSP is the
  second line of defence.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp

from chainwatch.web.throttle import FailureThrottle

SESSION_COOKIE = "chainwatch_session"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# A stored digest shown inside the digest page: its own <style> and data: charts, nothing else.
DIGEST_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox"
OPEN_PATHS = ("/login", "/static/", "/healthz")


def session_value(token: str) -> str:
    return hmac.new(token.encode(), b"chainwatch-web-session-v1", hashlib.sha256).hexdigest()


def token_matches(given: str | None, token: str) -> bool:
    """Constant time in the given value: both sides are hashed to 32 bytes first, because
    compare_digest returns at once when the lengths differ, which would tell the token's length."""
    if given is None:
        return False
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(token.encode()).digest())


def client_address(request: Request) -> str:
    """The TCP peer (uvicorn runs with proxy_headers off: no X-Forwarded-For is believed)."""
    return request.client.host if request.client else "unknown"


def too_many(retry_after: int) -> str:
    return f"too many wrong tokens from this address: try again in {retry_after} s"


def bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def has_session(request: Request, token: str) -> bool:
    cookie = request.cookies.get(SESSION_COOKIE)
    return cookie is not None and hmac.compare_digest(cookie.encode(), session_value(token).encode())


DOCS_PAGE = "/api/v1/docs"  # an HTML page under /api: it logs in like the other pages


def is_api(path: str) -> bool:
    """Paths answered with JSON (errors included), and authorised with the bearer token."""
    return (path == "/api" or path.startswith("/api/")) and path != DOCS_PAGE


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site only (no //host, no scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


class TokenMiddleware(BaseHTTPMiddleware):
    """Every request but the login page and static files carries the token (when there is one). A
    bearer value is a guess of the token: wrong ones count against the address (throttle.py), and an
    address over its budget gets 429 for every bearer value until its window passes."""

    def __init__(self, app: ASGIApp, token: str | None, throttle: FailureThrottle):
        super().__init__(app)
        self.token = token
        self.throttle = throttle

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        if self.token is None or path.startswith(OPEN_PATHS) or has_session(request, self.token):
            return await call_next(request)
        given = bearer(request)
        if given is not None:
            address = client_address(request)
            wait = self.throttle.retry_after(address)
            if wait is not None:
                return _api_error(429, too_many(wait), {"Retry-After": str(wait)})
            if token_matches(given, self.token):
                return await call_next(request)
            self.throttle.failed(address)
        if is_api(path):
            return _api_error(
                401,
                "missing or wrong token: send 'Authorization: Bearer <CHAINWATCH_API_TOKEN>'",
                {"WWW-Authenticate": "Bearer"},
            )
        target = path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _api_error(status: int, message: str, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)


class SecurityHeadersMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response
