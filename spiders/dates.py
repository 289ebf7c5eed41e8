"""Publication dates from the strings pages and feeds carry, as timezone-aware UTC.

Handles ISO 8601, RFC 2822 (RSS pubDate), English month names and the Chinese forms
(`2021年03月23日 10:15`, `2021/3/23`, `03-23 10:15`, `3小时前`, `昨天 10:15`). A time without a
zone is read in the source's zone (Chinese outlets publish in Asia/Shanghai). A date is never
in the future: a small skew (clock or zone confusion) is clamped to now, anything further is
rejected as a parse error, like dates before 1990.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SKEW = timedelta(hours=26)  # widest zone offset plus a little: beyond this, a bad parse

_NUM = r"(\d{1,2})"
_CN_FULL = re.compile(
    r"(\d{4})\s*[年/.\-]\s*" + _NUM + r"\s*[月/.\-]\s*" + _NUM + r"\s*[日号]?"
    r"(?:[\sT\u00a0]*" + _NUM + r"\s*[:：时]\s*(\d{2})(?:\s*[:：分]\s*(\d{2}))?)?"
)
_CN_NO_YEAR = re.compile(
    r"^\s*" + _NUM + r"\s*[月\-/]\s*" + _NUM + r"\s*日?(?:\s+" + _NUM + r"\s*[:：]\s*(\d{2}))?\s*$"
)
_CN_RELATIVE = re.compile(r"(\d+)\s*(秒|分钟|分鐘|小时|小時|天|日)\s*前")
_CN_DAY_WORD = re.compile(r"(刚刚|剛剛|今天|昨天|前天)\s*(?:" + _NUM + r"\s*[:：]\s*(\d{2}))?")
_MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}
_EN_MDY = re.compile(
    r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:,?\s+(?:at\s+)?(\d{1,2}):(\d{2})\s*([AaPp][Mm])?)?"
)
_EN_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})(?:,?\s+(\d{1,2}):(\d{2}))?")


@lru_cache(maxsize=64)
def zone(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _utcnow() -> datetime:
    return datetime.now(UTC)


def not_future(dt: datetime | None, now: datetime | None = None) -> datetime | None:
    """The date if plausible (clamped to now within FUTURE_SKEW), else None."""
    if dt is None:
        return None
    now = now or _utcnow()
    if dt < EARLIEST or dt > now + FUTURE_SKEW:
        return None
    return min(dt, now)


def _localise(dt: datetime, tz: str | None) -> datetime:
    """Aware, keeping the offset the date was written with (the source's zone when it had none)."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=zone(tz))


def _build(
    y: str | int,
    mo: str | int,
    d: str | int,
    h: str | int | None = None,
    mi: str | int | None = None,
    s: str | int | None = None,
    *,
    tz: str | None = None,
) -> datetime | None:
    try:
        return _localise(datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0)), tz)
    except ValueError:
        return None


def _parse_iso(text: str) -> datetime | None:
    candidate = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    # 2025-11-09T01:00:00.000+00:00 and 20210323 forms; fromisoformat handles both in 3.11
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    m = re.match(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?\s*([+-]\d{2}:?\d{2})?$", candidate)
    if m:
        try:
            return datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}{m.group(3) or ''}")
        except ValueError:
            return None
    return None


def _parse_english(text: str, tz: str | None) -> datetime | None:
    m = _EN_MDY.search(text)
    if m and m.group(1)[:3].lower() in _MONTHS:
        hour = int(m.group(4) or 0)
        if m.group(6) and m.group(6).lower() == "pm" and hour < 12:
            hour += 12
        if m.group(6) and m.group(6).lower() == "am" and hour == 12:
            hour = 0
        return _build(m.group(3), _MONTHS[m.group(1)[:3].lower()], m.group(2), hour, m.group(5), tz=tz)
    m = _EN_DMY.search(text)
    if m and m.group(2)[:3].lower() in _MONTHS:
        return _build(m.group(3), _MONTHS[m.group(2)[:3].lower()], m.group(1), m.group(4), m.group(5), tz=tz)
    return None


def _parse_chinese(text: str, tz: str | None, now: datetime) -> datetime | None:
    m = _CN_FULL.search(text)
    if m:
        year, month, day, hour, minute, second = m.groups()
        return _build(year, month, day, hour, minute, second, tz=tz)
    local_now = now.astimezone(zone(tz))
    m = _CN_RELATIVE.search(text)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        step = {
            "秒": timedelta(seconds=1),
            "分钟": timedelta(minutes=1),
            "分鐘": timedelta(minutes=1),
            "小时": timedelta(hours=1),
            "小時": timedelta(hours=1),
            "天": timedelta(days=1),
            "日": timedelta(days=1),
        }[unit]
        return now - n * step
    m = _CN_DAY_WORD.search(text)
    if m:
        if m.group(1) in ("刚刚", "剛剛"):
            return now
        back = {"今天": 0, "昨天": 1, "前天": 2}[m.group(1)]
        day = local_now.date() - timedelta(days=back)
        at = time(int(m.group(2) or 0), int(m.group(3) or 0))
        return datetime.combine(day, at, tzinfo=zone(tz)).astimezone(UTC)
    m = _CN_NO_YEAR.match(text)
    if m:
        # `03-23 10:15` on a news list means this year, or last year if that would be ahead of now
        for year in (local_now.year, local_now.year - 1):
            dt = _build(year, m.group(1), m.group(2), m.group(3), m.group(4), tz=tz)
            if dt is not None and dt <= now + timedelta(minutes=5):
                return dt
    return None


def parse_date(
    value: str | datetime | date | None, *, tz: str | None = "UTC", now: datetime | None = None
) -> datetime | None:
    """A publication date as aware UTC, or None when the value holds no plausible date."""
    local = parse_local(value, tz=tz, now=now)
    return local.astimezone(UTC) if local is not None else None


def local_day(value: datetime | None, tz: str | None = None) -> date | None:
    """The publisher's own calendar day of a parse_local result (2020-02-15T07:00+09:00 is the 15th).

    An offset other than zero is the zone the publisher wrote in, and its day is kept. A UTC stamp
    (`Z`, an epoch from a JSON API) says nothing about the publisher, so it is read in the source's
    zone `tz` (a Shanghai outlet's 23:30Z is 07:30 on the next day there)."""
    if value is None:
        return None
    if tz and value.utcoffset() == timedelta(0):
        value = value.astimezone(zone(tz))
    return value.date()


def parse_local(
    value: str | datetime | date | None, *, tz: str | None = "UTC", now: datetime | None = None
) -> datetime | None:
    """A publication date, aware in the offset it was written with (the source's zone when it had
    none), or None when the value holds no plausible date. parse_date is this in UTC."""
    now = now or _utcnow()
    if value is None:
        return None
    if isinstance(value, datetime):
        return _plausible(_localise(value, tz), now)
    if isinstance(value, date):
        return _plausible(_localise(datetime.combine(value, time()), tz), now)
    text = str(value).strip()
    if not text or len(text) > 200:
        return None
    dt = _parse_iso(text)
    if dt is None and re.search(r"\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}", text):
        try:
            dt = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            dt = None
    if dt is None:
        dt = _parse_chinese(text, tz, now)
        if dt is not None and dt.tzinfo is UTC:  # relative forms (3小时前) are computed in UTC
            dt = dt.astimezone(zone(tz))
    if dt is None:
        dt = _parse_english(text, tz)
    return _plausible(_localise(dt, tz), now) if dt is not None else None


def _plausible(local: datetime, now: datetime) -> datetime | None:
    """not_future, keeping the local offset (a clamped date becomes now in that offset)."""
    checked = not_future(local.astimezone(UTC), now)
    return checked.astimezone(local.tzinfo) if checked is not None else None


_LABELLED = re.compile(r"(?:发布时间|發布時間|发布日期|發布日期|日期|时间|時間|发表于|發表於)\s*[:：]?\s*")


def find_date_in_text(text: str, *, tz: str | None = "UTC", now: datetime | None = None) -> datetime | None:
    """A date written in running text: after a label like 发布时间：, else the first full date."""
    if not text:
        return None
    for label in _LABELLED.finditer(text):
        found = parse_date(text[label.end() : label.end() + 40], tz=tz, now=now)
        if found:
            return found
    m = _CN_FULL.search(text)
    if m:
        return parse_date(m.group(0), tz=tz, now=now)
    return None
