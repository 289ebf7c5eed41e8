"""`chainwatch` commands for the pipeline area (registered by chainwatch.cli)."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass
