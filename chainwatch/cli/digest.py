"""`chainwatch digest`: build weekly digests (registered by chainwatch.cli)."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from chainwatch.errors import ChainWatchError


def _items(n: int) -> str:
    return f"{n:,} item{'' if n == 1 else 's'}"


def register(app: typer.Typer) -> None:
    @app.command("digest")
    def digest(
        week: str | None = typer.Option(
            None, "--week", "-w", help="ISO week (UTC), e.g. 2026-W47. Default: the last complete week."
        ),
        all_weeks: bool = typer.Option(False, "--all", help="Build a digest for every week that has articles."),
        weeks: int | None = typer.Option(
            None, "--weeks", min=1, help="Build the N most recent weeks that have articles."
        ),
        email: bool = typer.Option(False, "--email", help="Email each digest (SMTP_HOST, SMTP_TO, ... settings)."),
        out: Path | None = typer.Option(
            None, "--out", "-o", help="Output folder (default: CHAINWATCH_OUT, else ./out)."
        ),
    ) -> None:
        """Build the weekly digest (HTML and Markdown): stored in the database and written to files."""
        # Imported here so that `chainwatch --help` does not load matplotlib and Jinja2.
        from chainwatch.digests import (  # slow to import (scrapy, scipy, onnx, matplotlib): only when the command runs
            build_digest,
            parse_week,
            weeks_with_articles,
        )

        if week is not None and (all_weeks or weeks):
            raise ChainWatchError("--week cannot be combined with --all or --weeks")
        if all_weeks and weeks:
            raise ChainWatchError("use either --all or --weeks N, not both")
        started = time.monotonic()
        if not (all_weeks or weeks):
            result = build_digest(str(parse_week(week)), out_dir=out, send_email=email)
            typer.echo(
                f"digest {result.iso_week}: {_items(result.item_count)} -> {result.html_path}, "
                f"{result.md_path.name}{', emailed' if result.emailed else ''} "
                f"({time.monotonic() - started:.1f} s)"
            )
            return

        todo = weeks_with_articles()
        if weeks:
            todo = todo[-weeks:]
        results = []
        for i, iso_week in enumerate(todo, 1):
            results.append(build_digest(iso_week, out_dir=out, send_email=email))
            typer.echo(f"[{i}/{len(todo)}] digest {iso_week}: {_items(results[-1].item_count)}", err=True)
        where = results[0].html_path.parent if results else "-"
        typer.echo(
            f"built {len(results)} digests ({_items(sum(r.item_count for r in results))}) in {where}"
            f"{', emailed' if email and results else ''} ({time.monotonic() - started:.1f} s)"
        )
