"""`chainwatch serve`: the web app and JSON API (chainwatch.web) over the configured database."""

from __future__ import annotations

import typer

from chainwatch import web


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option(
            web.settings.DEFAULT_HOST,
            "--host",
            help="Address to listen on. Anything but loopback needs CHAINWATCH_API_TOKEN.",
        ),
        port: int = typer.Option(web.settings.DEFAULT_PORT, "--port", help="Port to listen on."),
    ) -> None:
        """Serve the analyst's web app and the JSON API (/api/v1), read-only, until Ctrl-C."""
        settings = web.settings_for(host, port)
        web.check_database(settings)
        protected = " (token required: log in with CHAINWATCH_API_TOKEN)" if settings.token else ""
        typer.echo(f"ChainWatch is at {settings.url}{protected}; API docs at {settings.url}api/v1/docs", err=True)
        web.serve(settings)
