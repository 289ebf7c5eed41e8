"""The `chainwatch` command line: wires library stages for a person; holds no pipeline logic.

Each area registers its commands from its own module (db, crawl, nlp, digest, search, pipeline).
"""
from __future__ import annotations

import importlib
import logging
import os
import sys

import typer

from chainwatch.errors import ChainWatchError

app = typer.Typer(
    name="chainwatch",
    help="ChainWatch: crawl blockchain news, classify it against risk categories and policy themes, "
    "store it in PostgreSQL and build weekly digests.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_AREAS = ("db", "crawl", "nlp", "digest", "search", "pipeline")


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug detail to stderr.")) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else getattr(logging, os.environ.get("CHAINWATCH_LOG", "WARNING").upper(), logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


for _area in _AREAS:
    importlib.import_module(f"chainwatch.cli.{_area}").register(app)


def main() -> None:
    try:
        app()
    except ChainWatchError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
