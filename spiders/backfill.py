"""The date window of `chainwatch backfill --since DATE [--until DATE]` and the archive pages it walks.

A backfill is a crawl of one source with a window: sitemaps are read from `since` on (by lastmod)
instead of from the last run, date archives (`archives:` in the registry) are listed for every
day, month or year of the window, and listings follow their `next` link to older pages until
a page's articles were published before `since`. Links and articles are compared by the
publisher's own day (Article.published_day); those outside the window are counted as skipped,
not stored, and links with no date are fetched (the article's own date decides).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from spiders.registry import Listing


@dataclass(frozen=True)
class Window:
    since: date
    until: date  # inclusive

    @classmethod
    def parse(cls, since: str | date, until: str | date | None = None, *, today: date | None = None) -> Window:
        """The window from --since/--until (ISO dates; until defaults to today). ValueError says what is wrong."""
        start = _day(since)
        end = _day(until) if until else (today or datetime.now(UTC).date())
        if end < start:
            raise ValueError(f"--until {end} is before --since {start}")
        return cls(start, end)

    def contains(self, day: date) -> bool:
        return self.since <= day <= self.until

    @property
    def since_instant(self) -> datetime:
        """The earliest instant of the window anywhere on Earth (a sitemap's lastmod cut-off)."""
        return datetime.combine(self.since, time(), tzinfo=UTC) - timedelta(hours=14)

    def archive_pages(self, archive: Listing) -> Iterator[str]:
        """An archive template's pages for the window, newest first: one per day, month or year,
        as fine as the template's placeholders go."""
        if "{day" in archive.url:
            day = self.until
            while day >= self.since:
                yield archive.page_for(day.year, day.month, day.day)
                day -= timedelta(days=1)
        elif "{month" in archive.url:
            year, month = self.until.year, self.until.month
            while (year, month) >= (self.since.year, self.since.month):
                yield archive.page_for(year, month)
                year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        else:
            for year in range(self.until.year, self.since.year - 1, -1):
                yield archive.page_for(year)


def _day(value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None
