"""The `sources` table: the registry synced in, and each source's health read out."""
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
            (src.id, src.name, src.domain, src.lang, src.kind, src.category,
             json.dumps(src.to_dict(), ensure_ascii=False, sort_keys=True), src.enabled),
        )
        changed += cur.rowcount
    return changed


def source_health(cur) -> list[dict]:
    """Every source with its latest run and health flag (the `source_health` view)."""
    cur.execute(
        """
        SELECT h.source_id, h.name, h.kind, h.lang, h.enabled, h.health, h.last_run_id,
               h.last_run_started, h.last_run_finished, h.last_run_status, h.pages_fetched,
               h.items_stored, h.items_skipped, h.errors, h.articles, h.newest_article,
               r.error_counts, r.note
        FROM source_health h
        LEFT JOIN crawl_runs r ON r.run_id = h.last_run_id AND r.source_id = h.source_id
        ORDER BY h.source_id
        """
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]
