"""What the web app serves and how it is protected."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from chainwatch import config, db
from chainwatch.errors import ChainWatchError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class WebSettings:
    database_url: str  # connects as chainwatch_reader (db.reader_url)
    token: str | None  # required from every client when set
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"


def is_loopback(host: str) -> bool:
    """True for localhost and 127.0.0.0/8, ::1: addresses no other machine can reach."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def settings_for(
    host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, database_url: str | None = None, token: str | None = None
) -> WebSettings:
    """Settings from arguments and the environment (DATABASE_URL, CHAINWATCH_API_TOKEN).

    Raises ChainWatchError for a non-loopback address without a token: anyone who can reach the
    port could read everything otherwise.
    """
    token = token if token is not None else config.api_token()
    if not is_loopback(host) and not token:
        raise ChainWatchError(
            f"refusing to serve on {host}, which other machines can reach, without a token: "
            "set CHAINWATCH_API_TOKEN (e.g. `export CHAINWATCH_API_TOKEN=$(openssl rand -hex 24)`), "
            "or serve on 127.0.0.1"
        )
    if token is not None and len(token) < 16:
        raise ChainWatchError("CHAINWATCH_API_TOKEN is too short: use at least 16 characters")
    if not 0 < port < 65536:
        raise ChainWatchError(f"invalid port {port}")
    url = database_url or db.database_url()
    return WebSettings(database_url=db.reader_url(url), token=token or None, host=host, port=port)
