"""`chainwatch` commands for the nlp area (registered by chainwatch.cli)."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass
