"""ISO weeks in UTC (`2026-W47`): parsing, bounds and neighbours.

A digest covers one ISO week, Monday 00:00 UTC up to (not including) the next Monday.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from chainwatch.errors import ChainWatchError

# ASCII digits only: \d (and int()) also accept full-width and other scripts' digits ("１２３４-W10")
_WEEK_RE = re.compile(r"^\s*([0-9]{4})-?[Ww]([0-9]{1,2})\s*$", re.ASCII)
# Weeks a digest can plausibly cover: nothing ChainWatch stores is older than this, or later than next year
FIRST_YEAR = 2000


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __post_init__(self) -> None:
        date.fromisocalendar(self.year, self.week, 1)  # ValueError for W00, W54, or W53 in a 52-week year

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def start(self) -> datetime:
        """First instant of the week (UTC), inclusive."""
        return datetime.combine(self.monday, time(0), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """First instant after the week (UTC), exclusive."""
        return self.start + timedelta(days=7)

    def shift(self, weeks: int) -> IsoWeek:
        return week_of(self.monday + timedelta(weeks=weeks))

    def window(self, n: int) -> list[IsoWeek]:
        """The n weeks ending with this one, oldest first."""
        return [self.shift(-i) for i in range(n - 1, -1, -1)]

    def is_complete(self, now: datetime | None = None) -> bool:
        return (now or datetime.now(UTC)) >= self.end


def week_of(day: date | datetime) -> IsoWeek:
    if isinstance(day, datetime):
        day = (day.astimezone(UTC) if day.tzinfo else day).date()
    year, week, _ = day.isocalendar()
    return IsoWeek(year, week)


def last_complete_week(now: datetime | None = None) -> IsoWeek:
    """The ISO week before the current one (UTC): the latest week that has ended."""
    return week_of(now or datetime.now(UTC)).shift(-1)


def parse_week(value: str | IsoWeek | None) -> IsoWeek:
    """`2026-W47` (also `2026w47`) -> IsoWeek; None -> the last complete week.

    Anything else raises ChainWatchError with a one-line message.
    """
    if value is None:
        return last_complete_week()
    if isinstance(value, IsoWeek):
        return value
    m = _WEEK_RE.match(str(value))
    if m:
        year, last_year = int(m.group(1)), datetime.now(UTC).year + 1
        if not FIRST_YEAR <= year <= last_year:
            raise ChainWatchError(
                f"ISO week {str(value)[:40]!r} is outside the plausible range {FIRST_YEAR}-W01 to {last_year}-W52"
            )
        try:
            return IsoWeek(year, int(m.group(2)))
        except ValueError:
            pass
    raise ChainWatchError(
        f"invalid ISO week {str(value)[:40]!r}: expected YYYY-Www with a week that exists, e.g. 2026-W47"
    )
