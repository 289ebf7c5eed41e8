"""Record a page of a source as a test fixture, with its URL and the date it was recorded.

    python -m spiders.tools.record_fixture SOURCE_ID URL              # fetch it live (polite UA)
    python -m spiders.tools.record_fixture SOURCE_ID URL --file P.html  # a page saved by hand

The page is written to tests/fixtures/spiders/site/<host>/<path> and listed in
tests/fixtures/spiders/sources/<id>.json; the host's robots.txt is recorded the first time.
Then the expected results are regenerated; review the diff before committing.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from spiders.registry import get_source
from spiders.settings import USER_AGENT
from spiders.tools.fixtures import load_record, record_page, site_dir, site_file
from spiders.tools.regenerate_expected import regenerate


def fetch(url: str, timeout: float = 30.0) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only, checked by caller)
        body: bytes = response.read(5 * 1024 * 1024 + 1)
        return body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("url")
    parser.add_argument("--file", type=Path, help="use a saved copy instead of fetching")
    parser.add_argument("--role", choices=["robots", "feed", "sitemap", "listing", "article"])
    parser.add_argument("--origin", help="provenance note (default: live fetch / saved file)")
    parser.add_argument("--no-regenerate", action="store_true")
    parser.add_argument("--fixtures-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    source = get_source(args.source)
    if urlsplit(args.url).scheme not in ("http", "https"):
        parser.error("URL must be http(s)")
    try:
        body = args.file.read_bytes() if args.file else fetch(args.url)
    except (OSError, urllib.error.URLError) as exc:
        print(f"error: cannot get {args.url}: {exc}", file=sys.stderr)
        return 1
    origin = args.origin or (f"saved file {args.file.name}" if args.file else "live fetch")
    base = args.fixtures_dir
    page = record_page(source, args.url, body, origin=origin, role=args.role, base=base)
    print(f"recorded {page['role']} {args.url} -> {site_dir(base) / page['file']}")

    parts = urlsplit(args.url)
    robots = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
    if not (site_dir(base) / site_file(robots)).exists():
        try:
            if args.file:
                raise OSError("offline")
            record_page(source, robots, fetch(robots), origin="live fetch", role="robots", base=base)
        except (OSError, urllib.error.URLError):
            record_page(
                source,
                robots,
                b"User-agent: *\nAllow: /\n",
                role="robots",
                base=base,
                origin=f"written {date.today()}: no robots.txt was fetched",
            )
    if not args.no_regenerate:
        regenerate([source.id], base)
    pages = load_record(source.id, base)["pages"]
    print(f"{source.id}: {len(pages)} page(s) recorded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
