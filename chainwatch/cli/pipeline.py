"""`chainwatch demo` and `chainwatch run`: the main job, end to end."""

from __future__ import annotations

import typer

from chainwatch.runners import main_job as pipeline


def _report(result: pipeline.PipelineResult) -> None:
    c, k = result.crawl, result.classify
    for d in result.digests:
        typer.echo(f"digest {d.iso_week}: {d.item_count} items  {d.html_path}  {d.md_path}")
    if k.entities is not None:
        typer.echo(k.entities.line())
    if result.alerts is not None:
        for line in result.alerts.lines():
            typer.echo(line)
    typer.echo(
        f"done in {result.seconds:.0f} s: {c.pages_fetched} pages fetched, {c.items_stored} articles stored, "
        f"{c.items_skipped} skipped, {c.errors} errors; {k.classified} classified; "
        f"{len(result.digests)} weekly digests in {result.digests[0].html_path.parent if result.digests else '-'}"
    )


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output.")) -> None:
        """Run the whole pipeline offline on the bundled snapshot of real news (no internet needed)."""
        _report(pipeline.run_demo(progress=not quiet))
        # on stderr: the last line of stdout stays the one-line summary
        typer.echo("see it in a browser: .venv/bin/chainwatch serve  (then open http://127.0.0.1:8000/)", err=True)

    @app.command("run")
    def run(
        source: list[str] = typer.Option(None, "--source", "-s", help="Crawl only these source ids (repeatable)."),
        email: bool = typer.Option(False, "--email", help="Email the digest (needs SMTP_HOST)."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
    ) -> None:
        """Run the whole pipeline against the live sources: crawl, classify, digest the last complete week."""
        _report(pipeline.run_live(progress=not quiet, sources=source or None, send_email=email))
