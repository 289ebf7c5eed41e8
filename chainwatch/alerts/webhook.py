"""Webhook delivery: a JSON POST signed with HMAC-SHA256.

Headers (docs/alerts.md, "Webhook"): `X-ChainWatch-Signature: sha256=<hex>` over
`<timestamp>.<body>` with the secret CHAINWATCH_WEBHOOK_SECRET, `X-ChainWatch-Timestamp` (Unix
seconds; receivers reject old ones to stop replays) and `X-ChainWatch-Delivery` (the outbox id:
the same on every retry, so a receiver can drop a repeat).
"""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.error
import urllib.request
from typing import Any

TIMEOUT_S = 10


class WebhookError(Exception):
    """The receiver did not take the message (the text says why)."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:  # a redirect would re-send the body elsewhere
        return None


def post(url: str, body: bytes, *, secret: str, delivery_id: str, timeout: float = TIMEOUT_S) -> int:
    """POST `body`; the HTTP status on 2xx, else WebhookError."""
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "ChainWatch-Alerts/1",
            "X-ChainWatch-Timestamp": timestamp,
            "X-ChainWatch-Delivery": delivery_id,
            "X-ChainWatch-Signature": signature(secret, timestamp, body),
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"HTTP {exc.code} from {url}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookError(f"cannot reach {url}: {reason}") from None
    if not 200 <= status < 300:
        raise WebhookError(f"HTTP {status} from {url}")
    return status
