"""Alert rules: what a rule may say, and the checks that reject bad input at `alerts add` with a
clear message (unknown label, unparsable query, unknown entity or source, bad address,
unreachable webhook). A rule's conditions are all required (AND); docs/alerts.md has examples.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from chainwatch.errors import ChainWatchError
from chainwatch.storage.alerts import RuleRow

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_EMAIL_RE = re.compile(r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+$")
_AMOUNT_RE = re.compile(r"^\$?\s*(\d[\d,]*(?:\.\d+)?)\s*([kmbt]|thousand|million|billion|bn|mn)?$", re.IGNORECASE)
_SCALES = {
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "million": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
    "t": 10**12,
}
_SINCE_RE = re.compile(r"^(\d{1,5})\s*([hdw])$")
LANGS = ("en", "zh")
CATEGORIES = ("official", "news")
MAX_QUERY_CHARS = 500


class AlertRuleError(ChainWatchError):
    """A rule argument is invalid (the message says which and why)."""

    exit_code = 2


def parse_amount(text: str) -> Decimal:
    """'1M', '$1,000,000', '2.5bn', '500k' -> dollars."""
    m = _AMOUNT_RE.match(text.strip())
    if not m:
        raise AlertRuleError(f"invalid amount {text!r} (want dollars such as 1M, 250k, 2.5bn or 1000000)")
    try:
        value = Decimal(m[1].replace(",", "")) * _SCALES.get((m[2] or "").lower(), 1)
    except InvalidOperation:
        raise AlertRuleError(f"invalid amount {text!r}") from None
    if value <= 0:
        raise AlertRuleError(f"amount must be positive, got {text!r}")
    return value


def parse_since(text: str, *, now: datetime | None = None) -> datetime:
    """'7d', '24h', '2w' before now, or a date 'YYYY-MM-DD' (UTC midnight)."""
    text = text.strip()
    now = now or datetime.now(UTC)
    m = _SINCE_RE.match(text)
    if m:
        n, unit = int(m[1]), m[2]
        return now - {"h": timedelta(hours=n), "d": timedelta(days=n), "w": timedelta(weeks=n)}[unit]
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        raise AlertRuleError(f"invalid --since {text!r} (want 7d, 24h, 2w or a date YYYY-MM-DD)") from None


def check_shape(rule: RuleRow) -> None:
    """Checks that need no database: names, numbers, addresses, languages."""
    if not NAME_RE.match(rule.name):
        raise AlertRuleError(f"invalid rule name {rule.name!r} (lower-case letters, digits, '-' and '_', up to 63)")
    if not 0 <= rule.min_score <= 1:
        raise AlertRuleError(f"--min-score must be between 0 and 1, got {rule.min_score}")
    if rule.max_per_hour < 1:
        raise AlertRuleError(f"--max-per-hour must be at least 1, got {rule.max_per_hour}")
    if not any((rule.label, rule.query, rule.entities, rule.min_amount_usd)):
        raise AlertRuleError(
            "a rule needs at least one of --label, --query, --entity or --min-amount "
            "(sources, languages and official/news only narrow it)"
        )
    if rule.query is not None:
        if not rule.query.strip():
            raise AlertRuleError("--query is empty")
        if len(rule.query) > MAX_QUERY_CHARS or "\x00" in rule.query:
            raise AlertRuleError(f"--query must be text of at most {MAX_QUERY_CHARS} characters")
    for lang in rule.langs:
        if lang not in LANGS:
            raise AlertRuleError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    if rule.category is not None and rule.category not in CATEGORIES:
        raise AlertRuleError(f"unknown category {rule.category!r}; valid: {', '.join(CATEGORIES)}")
    for address in rule.emails:
        if not _EMAIL_RE.match(address) or any(ord(c) < 32 for c in address):
            raise AlertRuleError(f"invalid email address {address!r}")
    if rule.webhook_url is not None:
        parts = urlsplit(rule.webhook_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise AlertRuleError(f"invalid webhook URL {rule.webhook_url!r} (want http:// or https://)")
        if parts.username or parts.password:
            raise AlertRuleError("a webhook URL must not hold credentials (the HMAC secret signs each request)")
