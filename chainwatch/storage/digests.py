"""The `digests` table: one row per (ISO week, format), replaced when a week is digested again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chainwatch.sqlfiles import statement


def save(cur, iso_week: str, contents: dict[str, str], item_count: int, generated_at: datetime) -> None:
    """Upsert each format's content (`contents` maps 'html' / 'md' to text)."""
    for fmt, content in contents.items():
        cur.execute(
            statement("digests", "save_digest"),
            {
                "iso_week": iso_week,
                "format": fmt,
                "content": content,
                "item_count": item_count,
                "generated_at": generated_at,
            },
        )


def stored_weeks(cur: Any) -> list[dict[str, Any]]:
    """Stored digests, newest week first: iso_week, formats, item_count, generated_at."""
    cur.execute(statement("digests", "stored_weeks"))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def stored(cur: Any, iso_week: str, fmt: str) -> dict[str, Any] | None:
    """One stored digest (content, item_count, generated_at), or None."""
    cur.execute(statement("digests", "stored_digest"), {"iso_week": iso_week, "format": fmt})
    row = cur.fetchone()
    return None if row is None else {"content": row[0], "item_count": row[1], "generated_at": row[2]}
