"""Load parameterised SQL statements kept as .sql files under sql/ (the one folder for SQL files)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from chainwatch.config import PROJECT_ROOT

SQL_DIR = PROJECT_ROOT / "sql"


@cache
def load_statement(path: Path) -> str:
    """The statement in `path`, without its comment lines.

    psycopg2 fills %(name)s placeholders even inside `--` comments, where a value holding a line
    break would end the comment and run as SQL; statement files may document their parameters
    freely because the comments never reach the server.
    """
    text = Path(path).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def statement(folder: str, name: str) -> str:
    """The statement in sql/<folder>/<name>.sql, e.g. statement("digests", "trend")."""
    return load_statement(SQL_DIR / folder / f"{name}.sql")
