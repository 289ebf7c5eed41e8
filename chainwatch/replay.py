"""A local HTTP server that replays saved pages, for the offline demo, tests and benchmarks.

It serves a snapshot folder laid out as `<root>/<host>/<path>` and answers two ways:
- as an HTTP forward proxy (Scrapy's `meta["proxy"]`), so spiders fetch the sources' real
  URLs (http://cointelegraph.com/rss) and store real canonical URLs, yet nothing leaves
  127.0.0.1;
- directly (`http://127.0.0.1:PORT/<host>/<path>`), to look at a page in a browser.

`<root>/manifest.json` (optional) maps "host/path" (or "host/path?query", looked up first, for
APIs that differ only by their query) to {"file", "content_type", "status", "headers"}; without an
entry, "/" and "dir/" map to index.html and the type is guessed. POST is answered like GET (the
body is read and ignored): JSON APIs that take a POST body replay their saved response.
A `faults` mapping ("host/path" -> callable(handler) -> bool) lets tests inject errors.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socket import socket
from typing import Any, TypedDict
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

Fault = Callable[[BaseHTTPRequestHandler], bool]


class ManifestEntry(TypedDict, total=False):
    """One manifest.json entry; every field optional (see the module docstring)."""

    file: str
    content_type: str
    status: int
    headers: dict[str, str]


def _guess_type(path: Path, head: bytes) -> str:
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed:
        if guessed in ("application/xml", "text/xml") and b"<rss" in head:
            return "application/rss+xml; charset=utf-8"
        return guessed + ("; charset=utf-8" if guessed.startswith("text/") or guessed.endswith("xml") else "")
    if head.lstrip().startswith(b"<?xml") or b"<rss" in head or b"<feed" in head:
        return "application/rss+xml; charset=utf-8" if b"<rss" in head else "application/xml; charset=utf-8"
    return "text/html; charset=utf-8"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt: str, *args: Any) -> None:  # quiet by default; count instead
        log.debug("replay: " + fmt, *args)

    def _target(self) -> tuple[str, str, str]:
        if self.path.startswith(("http://", "https://")):
            parts = urlsplit(self.path)
            return parts.hostname or "", parts.path or "/", parts.query
        parts = urlsplit(self.path)
        segs = parts.path.lstrip("/").split("/", 1)
        return segs[0], "/" + (segs[1] if len(segs) > 1 else ""), parts.query

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1 << 20))
        self._serve(send_body=True)

    def _serve(self, send_body: bool) -> None:
        host, path, query = self._target()
        host = host.lower().removeprefix("www.") if self.server.strip_www else host.lower()
        key = f"{host}{unquote(path)}"
        self.server.count(key)
        fault = self.server.faults.get(key)
        if fault is not None and fault(self):
            return
        entry = (self.server.manifest.get(f"{key}?{query}") if query else None) or self.server.manifest.get(key, {})
        rel = entry.get("file") or (key + "index.html" if key.endswith("/") else key)
        file = (self.server.root / rel).resolve()
        if self.server.root not in file.parents or not file.is_file():
            self._send(404, b"not found\n", "text/plain; charset=utf-8", send_body)
            return
        body = file.read_bytes()
        ctype = entry.get("content_type") or _guess_type(file, body[:512])
        self._send(int(entry.get("status", 200)), body, ctype, send_body, entry.get("headers") or {})

    def _send(
        self, status: int, body: bytes, ctype: str, send_body: bool, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A crawl opens dozens of connections at once (CONCURRENT_REQUESTS 64 in REPLAY_OVERRIDES); with the
    # default listen backlog of 5 the extra SYNs are dropped and retried after 1, 3, 7, 15 s: timeouts.
    request_queue_size = 128

    def __init__(self, addr: tuple[str, int], root: Path, faults: dict[str, Fault], strip_www: bool):
        super().__init__(addr, _Handler)
        self.root = root
        self.faults = faults
        self.strip_www = strip_www
        manifest = root / "manifest.json"
        self.manifest: dict[str, ManifestEntry] = (
            json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
        )
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()

    def handle_error(self, request: socket | tuple[bytes, socket], client_address: Any) -> None:
        # A client that hangs up mid-response (timeouts, cancelled requests) is normal for a
        # crawler: note it instead of printing a traceback.

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionResetError, BrokenPipeError, TimeoutError)):
            log.debug("replay: client %s went away: %s", client_address, exc)
            return
        super().handle_error(request, client_address)

    def count(self, key: str) -> None:
        with self._lock:
            self.hits[key] = self.hits.get(key, 0) + 1


class ReplayServer:
    """`with ReplayServer(root) as srv: srv.proxy_url` -> 'http://127.0.0.1:PORT'."""

    def __init__(self, root: Path | str, port: int = 0, faults: dict[str, Fault] | None = None, strip_www: bool = True):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"replay snapshot folder not found: {self.root}")
        self._server = _Server(("127.0.0.1", port), self.root, faults or {}, strip_www)
        self._thread = threading.Thread(target=self._server.serve_forever, name="replay-server", daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def hits(self) -> dict[str, int]:
        return dict(self._server.hits)

    @property
    def faults(self) -> dict[str, Fault]:
        return self._server.faults

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
