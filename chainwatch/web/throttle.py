"""Failed token attempts per client address: after FAILURES wrong tokens within WINDOW_S seconds,
every further attempt from that address (the right token included, or guessing could go on) is
answered 429 with Retry-After until the oldest failure leaves the window.

Counted: a wrong token posted to /login, and a wrong `Authorization: Bearer` value on the API. The
address is the TCP peer (the app trusts no X-Forwarded-For: uvicorn runs with proxy_headers off), so
behind a reverse proxy every client shares the proxy's address and its budget. State is in memory,
per process: a restart forgets it, which costs an attacker a restart they cannot cause."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from time import monotonic

FAILURES = 10  # wrong tokens allowed per address within the window
WINDOW_S = 300.0
MAX_ADDRESSES = 10_000  # addresses tracked at once; the least recently failing are forgotten first


class FailureThrottle:
    def __init__(
        self,
        failures: int = FAILURES,
        window_s: float = WINDOW_S,
        *,
        max_addresses: int = MAX_ADDRESSES,
        clock: Callable[[], float] = monotonic,
    ):
        self.failures = failures
        self.window_s = window_s
        self.max_addresses = max_addresses
        self.clock = clock
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()  # sync routes run on a thread pool

    def retry_after(self, address: str) -> int | None:
        """Whole seconds until `address` may try again, or None when it may try now."""
        with self._lock:
            times = self._recent(address)
            if len(times) < self.failures:
                return None
            return max(1, math.ceil(times[0] + self.window_s - self.clock()))

    def failed(self, address: str) -> None:
        with self._lock:
            times = self._recent(address)
            times.append(self.clock())
            self._seen[address] = times
            self._seen.move_to_end(address)
            while len(self._seen) > self.max_addresses:
                self._seen.popitem(last=False)

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._seen.pop(address, None)

    def _recent(self, address: str) -> deque[float]:
        times = self._seen.get(address, deque())
        horizon = self.clock() - self.window_s
        while times and times[0] <= horizon:
            times.popleft()
        if not times:
            self._seen.pop(address, None)
        return times
