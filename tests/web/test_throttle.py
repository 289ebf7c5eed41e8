"""The wrong-token throttle and the token comparison, without a server (test_security.py drives them
through a real one)."""

from __future__ import annotations

from chainwatch.web.security import token_matches
from chainwatch.web.throttle import FailureThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_address_is_blocked_after_its_failures_until_the_oldest_leaves_the_window():
    clock = Clock()
    throttle = FailureThrottle(3, 60, clock=clock)
    for _ in range(3):
        assert throttle.retry_after("10.0.0.1") is None
        throttle.failed("10.0.0.1")
        clock.now += 10
    assert throttle.retry_after("10.0.0.1") == 30  # the first failure (at 1000) leaves at 1060; now 1030
    assert throttle.retry_after("10.0.0.2") is None  # per address
    clock.now = 1060
    assert throttle.retry_after("10.0.0.1") is None
    throttle.failed("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") == 10  # the second failure (1010) leaves at 1070


def test_success_clears_and_the_table_is_bounded():
    clock = Clock()
    throttle = FailureThrottle(2, 60, max_addresses=3, clock=clock)
    throttle.failed("a")
    throttle.succeeded("a")
    throttle.failed("a")
    assert throttle.retry_after("a") is None  # one failure since the success
    for address in ("b", "c", "d"):
        throttle.failed(address)
        throttle.failed(address)
    assert throttle.retry_after("a") is None  # forgotten: the least recently failing went first
    assert throttle.retry_after("d") is not None and throttle.retry_after("b") is not None


def test_token_matches_only_the_token():
    token = "s3cret-token-0123456789"
    assert token_matches(token, token)
    assert not token_matches(token[:-1], token)
    assert not token_matches(token + "x", token)
    assert not token_matches("", token)
    assert not token_matches(None, token)
    assert not token_matches("ß" * 5, token)  # non-ASCII: compared as bytes, no TypeError
