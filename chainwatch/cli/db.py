"""`chainwatch db ...`: schema migrations and status."""

from __future__ import annotations

import typer

from chainwatch import db


def register(app: typer.Typer) -> None:
    dbapp = typer.Typer(help="Database schema: apply migrations, show status.", no_args_is_help=True)

    @dbapp.command("upgrade")
    def upgrade() -> None:
        """Apply pending migrations from sql/migrations (idempotent)."""
        applied = db.upgrade()
        typer.echo(
            f"applied {len(applied)} migration(s): {', '.join(applied)}" if applied else "database is up to date"
        )

    @dbapp.command("status")
    def status() -> None:
        """Show the database URL (password hidden) and applied migrations."""
        url = db.database_url()
        done = set(db.current_version(url))
        typer.echo(f"database: {db.redact(url)}")
        for mig_id, _ in db.migrations():
            typer.echo(f"  [{'x' if mig_id in done else ' '}] {mig_id}")

    @dbapp.command("url")
    def url() -> None:
        """Print the database URL in use (for psql); starts the embedded server if needed."""
        typer.echo(db.database_url())

    app.add_typer(dbapp, name="db")
