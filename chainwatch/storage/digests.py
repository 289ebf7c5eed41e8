"""The `digests` table: one row per (ISO week, format), replaced when a week is digested again."""

from __future__ import annotations

from datetime import datetime

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
