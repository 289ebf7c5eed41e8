"""The `chainwatch` command line: wires library stages for a person; holds no pipeline logic.

Each area registers its commands from its own module (db, crawl, nlp, digest, search, pipeline, web).
"""

from __future__ import annotations

import logging
import sys

import typer

from chainwatch import config
from chainwatch.errors import ChainWatchError

app = typer.Typer(
    name="chainwatch",
    help="ChainWatch: crawl blockchain news, classify it against risk categories and policy themes, "
    "store it in PostgreSQL and build weekly digests.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug detail to stderr.")) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else getattr(logging, config.log_level(), logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


# Each area module registers its commands; imported here, after `app` exists.
from chainwatch.cli import alerts, crawl, db, digest, entities, nlp, pipeline, search, stories, web  # noqa: E402

for _area in (db, crawl, nlp, entities, stories, digest, search, alerts, pipeline, web):
    _area.register(app)


def main() -> None:
    try:
        app()
    except ChainWatchError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
