"""Load parameterised SQL statements kept as .sql files."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=None)
def load_statement(path: Path) -> str:
    """The statement in `path`, without its comment lines.

    psycopg2 fills %(name)s placeholders even inside `--` comments, where a value holding a line
    break would end the comment and run as SQL; statement files may document their parameters
    freely because the comments never reach the server.
    """
    text = Path(path).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
