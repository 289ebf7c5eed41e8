"""The crawl child process: `python -m spiders.run --run-id ID --sources-file FILE [...]`.

chainwatch.runners.crawl.crawl() starts this in a fresh interpreter for every crawl, because a Twisted
reactor cannot be restarted inside one process (Airflow tasks and tests call crawl() many
times). All sources of a run crawl concurrently, one Scrapy crawler each, in one reactor.
"""

from __future__ import annotations

import argparse
import json
import sys

import yaml
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from spiders.registry import Source
from spiders.spider import SourceSpider


def build_settings(*, run_id: str, replay_proxy: str | None, progress: bool, overrides: list[str]) -> Settings:

    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    if replay_proxy:
        settings.update(settings.getdict("REPLAY_OVERRIDES"), priority="project")
        settings.set("CHAINWATCH_REPLAY_PROXY", replay_proxy, priority="cmdline")
    settings.set("CHAINWATCH_RUN_ID", run_id, priority="cmdline")
    settings.set("CHAINWATCH_PROGRESS", progress, priority="cmdline")
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--set expects KEY=VALUE, got {item!r}")
        settings.set(key.strip(), yaml.safe_load(value), priority="cmdline")
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m spiders.run", description=__doc__.splitlines()[0])
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--sources-file", required=True, help="JSON list of registry entries (Source.to_dict)")
    parser.add_argument("--replay-proxy")
    parser.add_argument("--refetch", action="store_true")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--since", help="backfill: the window's first day (ISO date)")
    parser.add_argument("--until", help="backfill: the window's last day (ISO date; default today)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="Scrapy setting override")
    args = parser.parse_args(argv)

    with open(args.sources_file, encoding="utf-8") as fh:
        sources = [Source.from_dict(d) for d in json.load(fh)]
    settings = build_settings(
        run_id=args.run_id, replay_proxy=args.replay_proxy, progress=args.progress, overrides=args.set
    )
    process = CrawlerProcess(settings)
    for source in sources:
        # a local replay needs no per-source delay; the live sites get it
        spider_class = SourceSpider.for_source(source, polite=not args.replay_proxy)
        process.crawl(spider_class, source=source, refetch=args.refetch, since=args.since, until=args.until)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
