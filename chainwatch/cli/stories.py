"""`chainwatch stories link | lag | evaluate`: stories across languages and sources, and the
delay from a regulator's release to the press's first report (docs/entities.md)."""

from __future__ import annotations

from datetime import UTC, datetime

import typer


def register(app: typer.Typer) -> None:
    stories = typer.Typer(
        help="Stories across languages and sources, and regulator lag (docs/entities.md).", no_args_is_help=True
    )
    app.add_typer(stories, name="stories")

    @stories.command("link")
    def link(
        everything: bool = typer.Option(
            False, "--all", help="Every stored article, not only those stored in the last 30 days (a backfill)."
        ),
    ) -> None:
        """Embed and link the articles the current linker version has not checked (the classify run does this)."""
        from chainwatch.runners.stories import HORIZON, link_stories  # imported when run: `--help` stays fast

        typer.echo(link_stories(horizon=None if everything else HORIZON).line())

    @stories.command("lag")
    def lag(
        since: str = typer.Option("90d", "--since", help="90d, 2w, or a date YYYY-MM-DD (release date)."),
        limit: int = typer.Option(20, "--limit", help="Stories listed (newest release first)."),
    ) -> None:
        """Delay from each regulator release to the press's first report, and the median."""
        from chainwatch import db  # imported when the command runs, so `chainwatch --help` stays fast
        from chainwatch.alerts.rules import parse_since  # imported when the command runs: `--help` stays fast
        from chainwatch.storage import story_links as store  # imported when run: `--help` stays fast
        from chainwatch.untrusted import terminal_safe as clean  # imported when run: `--help` stays fast

        start = parse_since(since)
        with db.transaction() as cur:
            rows = store.regulator_lag(cur, start)
            summary = store.lag_summary(cur, start, datetime.now(UTC))
        for r in rows[:limit]:
            zh = f"  zh {r.zh_lag_hours:+.1f} h" if r.zh_lag_hours is not None else ""
            typer.echo(
                f"{r.released_at:%Y-%m-%d %H:%M}  {r.lag_hours:+8.1f} h{zh}  {clean(r.regulator_source)[:10]:<10} "
                f"{clean(r.release_title)[:60]}  ->  {clean(r.press_source)[:14]}: {clean(r.press_title)[:60]}"
            )
        typer.echo(summary.line())

    @stories.command("evaluate")
    def evaluate(
        folds: int = typer.Option(5, "--folds", min=2),
        repeats: int = typer.Option(
            1, "--repeats", min=1, help="Repeat with this many fold splits and give mean ± sd (5 to compare designs)."
        ),
    ) -> None:
        """Precision and recall of story linking on the labelled pairs (chainwatch/stories/data), cross-validated:
        the rule chosen on each k-1 folds, and linking.RULE, on the same held-out folds."""
        from chainwatch.runners import story_eval  # imported when the command runs: `--help` stays fast

        for line in story_eval.report(folds=folds, repeats=repeats):
            typer.echo(line)
