"""Login for the pages when the app has a token: the token typed once sets a session cookie
(security.session_value). The only POST routes of the app; they write nothing but the cookie.
Wrong tokens are throttled per client address (throttle.py): over the budget, 429 with Retry-After."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from chainwatch.web.pages.common import render, settings
from chainwatch.web.security import SESSION_COOKIE, client_address, safe_next, session_value, token_matches, too_many
from chainwatch.web.throttle import FailureThrottle

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_form(request: Request, next: Annotated[str, Query(max_length=2000)] = "/") -> Response:
    return render(request, "login.html.j2", next=safe_next(next), failed=False, blocked=None)


@router.post("/login")
def login(
    request: Request,
    token: Annotated[str, Form(max_length=500)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    expected = settings(request).token
    if expected is None:
        return RedirectResponse(safe_next(next), status_code=303)
    throttle: FailureThrottle = request.app.state.throttle
    address = client_address(request)
    wait = throttle.retry_after(address)
    if wait is not None:
        response = render(
            request, "login.html.j2", status_code=429, next=safe_next(next), failed=False, blocked=too_many(wait)
        )
        response.headers["Retry-After"] = str(wait)
        return response
    if not token_matches(token, expected):
        throttle.failed(address)
        return render(request, "login.html.j2", status_code=401, next=safe_next(next), failed=True, blocked=None)
    throttle.succeeded(address)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_value(expected),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
