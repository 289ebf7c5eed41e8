"""A misbehaving web server: 500s, 429 with Retry-After, timeouts, slow drip, connection resets.

Every fault is injected by the real replay server's `faults` hook; transient ones clear after a
given number of requests, so the test shows both that retries (with backoff) recover a page and
that a page that never recovers is given up on, counted in crawl_runs, and does not stop the run.
"""

from __future__ import annotations

import socket
import struct
import threading
import time

from chainwatch.runners.crawl import crawl
from tests.faults.conftest import news_site, story
from tests.spiders.crawl_helpers import ad_hoc_source, query, rss

HOST = "flaky.example"
RETRY_TIMES = 2
BACKOFF = 0.2
TIMEOUT = 2.0
SETTINGS = {"RETRY_TIMES": RETRY_TIMES, "RETRY_BACKOFF_BASE": BACKOFF, "DOWNLOAD_TIMEOUT": TIMEOUT}

# page -> (fault, how many requests get it; None = all of them)
FAULTS = {
    "flaky-500": ("500", 2),
    "busy-429": ("429", 1),
    "slow-once": ("hang", 1),
    "drip-once": ("drip", 1),
    "reset-once": ("reset", 1),
    "drip-in-time": ("drip-fast", None),  # slow, but finishes within DOWNLOAD_TIMEOUT
    "always-500": ("500", None),
    "always-429": ("429", None),
    "always-slow": ("hang", None),
    "always-drip": ("drip", None),
    "always-reset": ("reset", None),
}
RECOVER = ["flaky-500", "busy-429", "slow-once", "drip-once", "reset-once", "drip-in-time"]
EXPECTED_ERRORS = {"http_500": 1, "http_429": 1, "timeout": 2, "connection": 1}


def _send_error(handler, status: int, headers: dict) -> None:
    body = f"error {status}\n".encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "text/plain")
    handler.send_header("Content-Length", str(len(body)))
    for k, v in headers.items():
        handler.send_header(k, v)
    handler.end_headers()
    handler.wfile.write(body)


def _drip(handler, body: bytes, pieces: int, pause: float) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.flush()
    step = max(1, len(body) // pieces)
    for start in range(0, len(body), step):
        handler.wfile.write(body[start : start + step])
        handler.wfile.flush()
        time.sleep(pause)


def _reset(handler) -> None:
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()  # RST, no response at all
    raise ConnectionResetError("test: connection reset by the server")


def make_fault(name: str, kind: str, times: int | None, arrivals: dict, lock: threading.Lock):
    body = story(hash(name) % 1000, HOST).encode()

    def fault(handler) -> bool:
        with lock:
            seen = arrivals.setdefault(name, [])
            seen.append(time.monotonic())
            n = len(seen)
        if times is not None and n > times:
            return False  # recovered: the file is served normally
        if kind == "500":
            _send_error(handler, 500, {})
        elif kind == "429":
            _send_error(handler, 429, {"Retry-After": "1"})
        elif kind == "hang":
            time.sleep(TIMEOUT + 1.0)  # no answer within DOWNLOAD_TIMEOUT
            return True
        elif kind == "drip":  # ~4 s for the body: longer than DOWNLOAD_TIMEOUT
            _drip(handler, body, pieces=20, pause=0.2)
        elif kind == "drip-fast":  # ~0.3 s for the body
            _drip(handler, body, pieces=10, pause=0.03)
        elif kind == "reset":
            _reset(handler)
        return True

    return fault


def test_server_faults_are_retried_with_backoff_counted_and_never_stop_the_run(clean_db, make_site, replay_server):
    files = news_site(HOST, 5)
    links = [(f"Story {i}", f"https://{HOST}/news/{i}") for i in range(5)]
    links += [(name, f"https://{HOST}/faulty/{name}") for name in FAULTS]
    files[f"{HOST}/feed.xml"] = rss(links)
    files.update({f"{HOST}/faulty/{name}": story(100 + k, HOST) for k, name in enumerate(FAULTS)})
    arrivals: dict[str, list[float]] = {}
    lock = threading.Lock()
    faults = {
        f"{HOST}/faulty/{name}": make_fault(name, kind, times, arrivals, lock) for name, (kind, times) in FAULTS.items()
    }
    # the feed itself answers 503 once: entry pages are retried too
    faults[f"{HOST}/feed.xml"] = make_fault("feed", "500", 1, arrivals, lock)
    srv = replay_server(make_site(files), faults=faults)
    source = ad_hoc_source("flaky", HOST, [f"https://{HOST}/feed.xml"])

    row = crawl([source], replay_proxy=srv.proxy_url, settings=SETTINGS).per_source["flaky"]

    # the run completed and every failure that never cleared is counted, by kind
    assert row["finished_at"] is not None and row["status"] in ("ok", "degraded")
    assert row["error_counts"] == EXPECTED_ERRORS
    assert row["errors"] == sum(EXPECTED_ERRORS.values())
    stored = {u for (u,) in query(clean_db, "SELECT canonical_url FROM articles")}
    assert stored == {f"https://{HOST}/news/{i}" for i in range(5)} | {f"https://{HOST}/faulty/{n}" for n in RECOVER}
    assert row["items_stored"] == len(stored)

    # each fault was retried: recovered pages after their faulty answers, the others RETRY_TIMES times
    attempts = {name: len(times) for name, times in arrivals.items()}
    for name, (kind, times) in FAULTS.items():
        expected = 1 if kind == "drip-fast" else RETRY_TIMES + 1 if times is None else times + 1
        if kind == "reset" and times is None:
            # Twisted's connection pool itself retries a GET once when a reused keep-alive
            # connection is reset before any answer, so one Scrapy attempt may arrive twice
            assert expected <= attempts[name] <= 2 * expected, (name, attempts)
        else:
            assert attempts[name] == expected, (name, attempts)
    assert attempts["feed"] == 2
    # ... with backoff: a growing wait between attempts, and at least Retry-After for a 429
    gaps = {name: [b - a for a, b in zip(times, times[1:])] for name, times in arrivals.items()}
    assert gaps["flaky-500"][0] >= 0.9 * BACKOFF and gaps["flaky-500"][1] >= 0.9 * 2 * BACKOFF
    assert gaps["always-500"][1] >= 0.9 * 2 * BACKOFF
    assert all(gap >= 0.95 for gap in gaps["busy-429"] + gaps["always-429"])  # Retry-After: 1
