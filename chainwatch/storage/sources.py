"""The `sources` table: the registry synced in (health is read in chainwatch.storage.health)."""

from __future__ import annotations

import json


def sync_sources(cur, sources) -> int:
    """Upsert registry entries (spiders.registry.Source); returns how many rows changed.

    Entries removed from the registry stay (articles and runs refer to them)."""
    changed = 0
    for src in sources:
        cur.execute(
            """
            INSERT INTO sources (id, name, domain, lang, kind, category, config, enabled)
            VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s)
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, domain = EXCLUDED.domain,
                lang = EXCLUDED.lang, kind = EXCLUDED.kind, category = EXCLUDED.category,
                config = EXCLUDED.config, enabled = EXCLUDED.enabled, updated_at = now()
            WHERE (sources.name, sources.domain, sources.lang, sources.kind, sources.category,
                   sources.config, sources.enabled)
                  IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.domain, EXCLUDED.lang, EXCLUDED.kind,
                   EXCLUDED.category, EXCLUDED.config, EXCLUDED.enabled)
            """,
            (
                src.id,
                src.name,
                src.domain,
                src.lang,
                src.kind,
                src.category,
                json.dumps(src.to_dict(), ensure_ascii=False, sort_keys=True),
                src.enabled,
            ),
        )
        changed += cur.rowcount
    return changed
