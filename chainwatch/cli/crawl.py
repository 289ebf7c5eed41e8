"""`chainwatch` commands for the crawl area: crawl, backfill, import-warc, extract, sources list|status, spider new."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from chainwatch import db
from chainwatch.storage.health import current as source_health
from chainwatch.storage.sources import sync_sources
from spiders.backfill import Window
from spiders.registry import load_sources


def _fmt(value) -> str:
    if value is None:
        return "-"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header, *rows]]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def register(app: typer.Typer) -> None:
    @app.command("crawl")
    def crawl_cmd(
        source: list[str] | None = typer.Option(
            None, "--source", "-s", help="Registry id; repeat for several. Default: every enabled source."
        ),
        refetch: bool = typer.Option(False, "--refetch", help="Fetch and re-extract URLs already stored."),
        replay_proxy: str | None = typer.Option(
            None, "--replay-proxy", help="Fetch through a local replay server, e.g. http://127.0.0.1:8765."
        ),
        run_id: str | None = typer.Option(None, "--run-id", help="Re-use a run id (re-running an interrupted crawl)."),
    ) -> None:
        """Crawl sources into the database (progress on stderr, a summary line at the end)."""
        from chainwatch.runners.crawl import (
            crawl,  # slow to import (scrapy, scipy, onnx, matplotlib): only when the command runs
        )

        summary = crawl(source or None, run_id=run_id, replay_proxy=replay_proxy, refetch=refetch, progress=True)
        typer.echo(summary.line())

    @app.command("backfill")
    def backfill_cmd(
        source: list[str] = typer.Option(..., "--source", "-s", help="Registry id; repeat for several."),
        since: str = typer.Option(..., "--since", help="First day of the window (YYYY-MM-DD, the publisher's day)."),
        until: str | None = typer.Option(None, "--until", help="Last day of the window (YYYY-MM-DD). Default: today."),
        replay_proxy: str | None = typer.Option(
            None, "--replay-proxy", help="Fetch through a local replay server, e.g. http://127.0.0.1:8765."
        ),
    ) -> None:
        """Fill in a source's history: sitemaps by lastmod, date archives and older listing pages; safe to re-run."""
        from chainwatch.runners.crawl import (
            crawl,  # slow to import (scrapy, scipy, onnx, matplotlib): only when the command runs
        )

        try:
            window = Window.parse(since, until)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--since/--until") from None
        summary = crawl(source, replay_proxy=replay_proxy, progress=True, window=window)
        typer.echo(summary.line())

    @app.command("import-warc")
    def import_warc_cmd(
        files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="WARC files (.warc or .warc.gz)."),
    ) -> None:
        """Import the registered sources' pages from WARC files (CC-NEWS and the like); safe to re-run."""
        from spiders.warc import (
            import_warc,  # slow to import (scrapy, trafilatura, datasketch): only when the command runs
        )

        typer.echo(import_warc(list(files), progress=True).line())

    @app.command("extract")
    def extract_cmd(
        page: Path = typer.Argument(..., exists=True, dir_okay=False, help="A saved HTML page."),
        url: str = typer.Option(..., "--url", help="The page's real address."),
        source: str | None = typer.Option(None, "--source", help="Registry id (site parser, time zone)."),
    ) -> None:
        """Print, as JSON, exactly what the crawl would store for PAGE."""
        from spiders.extract import (
            extract,  # slow to import (scrapy, scipy, onnx, matplotlib): only when the command runs
        )

        result = extract(page.read_bytes(), url, source=source)
        if not result:
            typer.echo(json.dumps({"error": result.kind, "message": result.message, "url": url}))
            raise typer.Exit(1)
        typer.echo(
            json.dumps(
                {
                    "url": result.url,
                    "canonical_url": result.canonical_url,
                    "source": result.source,
                    "title": result.title,
                    "published": result.published.isoformat() if result.published else None,
                    "lang": result.lang,
                    "lead": result.lead,
                    "text": result.text,
                    "content_hash": result.content_hash,
                    "extra": result.extra,
                },
                ensure_ascii=False,
                indent=2,
            )
        )

    sources_app = typer.Typer(help="The source registry and each source's crawl health.", no_args_is_help=True)

    @sources_app.command("list")
    def sources_list() -> None:
        """Every registered source with how its articles are discovered."""

        rows = [
            [
                s.id,
                s.kind,
                s.lang,
                s.category,
                "yes" if s.verified else "no",
                "yes" if s.enabled else "no",
                s.entry_urls[0] + (f" (+{len(s.entry_urls) - 1})" if len(s.entry_urls) > 1 else ""),
            ]
            for s in load_sources()
        ]
        typer.echo(_table(rows, ["id", "kind", "lang", "category", "verified", "enabled", "entry"]))
        typer.echo(f"{len(rows)} source(s)")

    @sources_app.command("status")
    def sources_status() -> None:
        """Each source's last run and health (ok, quiet, degraded, blocked, js_required, failing, no_items, never_run)."""

        with db.transaction() as cur:
            sync_sources(cur, load_sources())
            rows = source_health(cur)
        table = [
            [
                r["source_id"],
                r["health"],
                _fmt(r["last_run_status"]),
                _fmt(r["last_run_started"]),
                _fmt(r["pages_fetched"]),
                _fmt(r["items_stored"]),
                _fmt(r["items_skipped"]),
                _fmt(r["errors"]),
                str(r["articles"]),
                _fmt(r["newest_article"]),
                ", ".join(f"{k}={v}" for k, v in sorted((r["error_counts"] or {}).items())) or "-",
            ]
            for r in rows
        ]
        typer.echo(
            _table(
                table,
                [
                    "source",
                    "health",
                    "last run",
                    "started",
                    "pages",
                    "stored",
                    "skipped",
                    "errors",
                    "articles",
                    "newest",
                    "error kinds",
                ],
            )
        )
        flagged = [r["source_id"] for r in rows if r["health"] not in ("ok", "never_run")]
        typer.echo(f"{len(rows)} source(s); flagged: {', '.join(flagged) if flagged else 'none'}")

    app.add_typer(sources_app, name="sources")

    spider_app = typer.Typer(help="Add sources to the registry.", no_args_is_help=True)

    @spider_app.command("new")
    def spider_new(
        name: str = typer.Argument(..., help="Display name; the id is derived from it (lowercase, underscores)."),
        feed: str = typer.Option(..., "--feed", help="The source's RSS/Atom feed (or news sitemap) address."),
        lang: str = typer.Option("en", "--lang", help="Expected language (ISO 639-1)."),
        domain: str | None = typer.Option(None, "--domain", help="Site domain; default: the feed's host."),
        category: str = typer.Option("news", "--category", help="news | official"),
        evidence: str = typer.Option(
            ..., "--evidence", help="Where the feed is documented or used in public code (repo and path, or a URL)."
        ),
        sources_dir: Path | None = typer.Option(None, "--sources-dir", hidden=True),
        fixtures_dir: Path | None = typer.Option(None, "--fixtures-dir", hidden=True),
    ) -> None:
        """Write a registry entry and a fixture skeleton for a new source."""
        from spiders.tools.new_source import (
            write_new_source,  # slow to import (scrapy, scipy, onnx, matplotlib): only when the command runs
        )

        entry, fixture = write_new_source(
            name,
            feed,
            lang=lang,
            domain=domain,
            category=category,
            evidence=evidence,
            sources_dir=sources_dir,
            fixtures_dir=fixtures_dir,
        )
        typer.echo(f"wrote {entry}\nwrote {fixture}")
        typer.echo(
            "next: record a feed and an article page with\n"
            f"  python -m spiders.tools.record_fixture {entry.stem} {feed}\n"
            f"  python -m spiders.tools.record_fixture {entry.stem} ARTICLE_URL\n"
            f"then check: pytest -q tests/spiders -k {entry.stem}"
        )

    app.add_typer(spider_app, name="spider")
