"""`chainwatch entities extract | list | show | evaluate` (chainwatch.entities)."""

from __future__ import annotations

import typer

from chainwatch.errors import ChainWatchError


def register(app: typer.Typer) -> None:
    entities = typer.Typer(
        help="Entities and money amounts named in articles (docs/entities.md).", no_args_is_help=True
    )
    app.add_typer(entities, name="entities")

    @entities.command("extract")
    def extract() -> None:
        """Extract entities from the articles the current extractor version has not read (the classify run does this)."""
        from chainwatch.entities.pipeline import extract_pending  # imported when run: `--help` stays fast

        typer.echo(extract_pending().line())

    @entities.command("list")
    def list_entities(
        kind: str | None = typer.Option(
            None, "--kind", help="exchange, token, company, regulator, person or jurisdiction."
        ),
    ) -> None:
        """The gazetteer's entities with their aliases."""
        from chainwatch.entities.gazetteer import (  # imported when the command runs, so `chainwatch --help` stays fast
            KINDS,
            load,
        )

        if kind is not None and kind not in KINDS:
            raise ChainWatchError(f"unknown kind {kind!r}; valid: {', '.join(KINDS)}")
        shown = [e for e in load().entities if kind is None or e.kind == kind]
        for e in shown:
            typer.echo(f"{e.id:<28} {e.kind:<12} {e.name}  [{' | '.join(e.aliases['en'] + e.aliases['zh'])}]")
        typer.echo(f"{len(shown)} entities")

    @entities.command("show")
    def show(
        name: str = typer.Argument(..., help="Entity id, name or alias (English or Chinese)."),
        limit: int = typer.Option(20, "--limit"),
    ) -> None:
        """An entity's page: first and last mention, totals, newest articles."""
        from chainwatch import db  # imported when the command runs, so `chainwatch --help` stays fast
        from chainwatch.alerts.message import clean  # imported when the command runs, so `chainwatch --help` stays fast
        from chainwatch.storage import (
            entities as store,  # imported when the command runs, so `chainwatch --help` stays fast
        )

        with db.transaction() as cur:
            found = store.find_entities(cur, name, limit=5)
            if not found:
                raise ChainWatchError(f"no entity matches {name!r} (see `chainwatch entities list`)")
            summary = store.entity_summary(cur, found[0][0])
            articles = store.entity_articles(cur, found[0][0], limit=limit)
        if summary is None:
            raise ChainWatchError(f"entity {found[0][0]!r} vanished meanwhile")
        first = f"{summary.first_seen:%Y-%m-%d}" if summary.first_seen else "-"
        last = f"{summary.last_seen:%Y-%m-%d}" if summary.last_seen else "-"
        typer.echo(
            f"{summary.name} ({summary.kind}, id {summary.entity_id}): {summary.articles} articles, "
            f"{summary.stories} stories, first seen {first}, last seen {last}"
        )
        for a in articles:
            day = a.published_day.isoformat() if a.published_day else "-"  # the publisher's own day
            typer.echo(f"  {day}  {clean(a.source_id)[:14]:<14}  {clean(a.title)[:100]}")
        if len(found) > 1:
            typer.echo("also matching: " + ", ".join(f"{i} ({n})" for i, _, n in found[1:]))

    @entities.command("evaluate")
    def evaluate() -> None:
        """Precision and recall per kind on the labelled set (chainwatch/entities/eval)."""
        from chainwatch.entities import evaluation  # imported when the command runs: `--help` stays fast

        scores, _ = evaluation.evaluate()
        typer.echo(evaluation.report(scores))
