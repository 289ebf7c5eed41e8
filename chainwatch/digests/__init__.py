"""Weekly digests: what the week's news said, per risk category and policy theme.

`build_digest(week)` reads the views of sql/migrations/005_digest_views.sql (fetch.py),
summarises the numbers (summary.py), draws the trend charts (charts.py), renders HTML and
Markdown (render.py, templates/), stores both in `digests`, writes them to the output folder and
optionally emails them (mail.py). `weeks_with_articles()` lists the weeks there is something to
digest.
"""

from chainwatch.digests.build import DigestResult, build_digest, read_digest, weeks_with_articles
from chainwatch.digests.weeks import IsoWeek, last_complete_week, parse_week

__all__ = [
    "DigestResult",
    "IsoWeek",
    "build_digest",
    "last_complete_week",
    "parse_week",
    "read_digest",
    "weeks_with_articles",
]
