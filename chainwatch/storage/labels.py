"""Sync the label taxonomy file into the `labels` table."""

from __future__ import annotations

import json

from chainwatch.taxonomy import Label


def sync_labels(cur, labels: tuple[Label, ...] | list[Label]) -> int:
    """Upsert every label; labels removed from the file stay (history refers to them)."""
    for pos, lab in enumerate(labels):
        cur.execute(
            """
            INSERT INTO labels (id, kind, name, description, keywords, position, updated_at)
            VALUES (%s, %s, %s, %s, %s::jsonb, %s, now())
            ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name,
                description = EXCLUDED.description, keywords = EXCLUDED.keywords,
                position = EXCLUDED.position, updated_at = now()
            WHERE (labels.kind, labels.name, labels.description, labels.keywords, labels.position)
                  IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.name, EXCLUDED.description, EXCLUDED.keywords, EXCLUDED.position)
            """,
            (
                lab.id,
                lab.kind,
                lab.name,
                lab.description,
                json.dumps({k: list(v) for k, v in lab.keywords.items()}, ensure_ascii=False),
                pos,
            ),
        )
    return len(labels)
