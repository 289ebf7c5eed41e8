"""Classifier results in PostgreSQL: `model_versions`, `classified_articles`, `classifications`.

Rows are keyed by (article, model version): a new model version adds rows and leaves the old ones as
history; writing the same version again replaces that version's rows for the article (idempotent).
"""

from __future__ import annotations

import json

from psycopg2.extras import execute_values

from chainwatch.contracts import ClassifierInput, ClassifierOutput


def record_model_version(cur, version: str, encoder: str, metrics: dict) -> None:
    cur.execute(
        """
        INSERT INTO model_versions (version, encoder, metrics) VALUES (%s, %s, %s::jsonb)
        ON CONFLICT (version) DO UPDATE SET encoder = EXCLUDED.encoder, metrics = EXCLUDED.metrics
        """,
        (version, encoder, json.dumps(metrics)),
    )


# An `error` (a failure while classifying, not bad input that would fail again the same way) is tried again
# by later runs until the article has been classified this many times by the version.
MAX_ATTEMPTS = 3


def count_pending(cur, model_version: str, *, reclassify: bool = False) -> int:
    cur.execute(
        """
        SELECT count(*) FROM articles a
        WHERE %(all)s OR NOT EXISTS (SELECT 1 FROM classified_articles ca
                                     WHERE ca.article_id = a.id AND ca.model_version = %(version)s
                                       AND (ca.status <> 'error' OR ca.attempts >= %(max_attempts)s))
        """,
        {"all": reclassify, "version": model_version, "max_attempts": MAX_ATTEMPTS},
    )
    return int(cur.fetchone()[0])


def next_pending(
    cur, model_version: str, *, after_id: int, limit: int, reclassify: bool = False
) -> list[ClassifierInput]:
    """Articles with id > after_id, in id order, that this model version has not classified, or that ended
    in `error` fewer than MAX_ATTEMPTS times (all of them when reclassify). Keyset paging: articles a
    crawler adds meanwhile are picked up in turn."""
    cur.execute(
        """
        SELECT a.id, a.title, a.text, a.lang FROM articles a
        WHERE a.id > %(after)s
          AND (%(all)s OR NOT EXISTS (SELECT 1 FROM classified_articles ca
                                      WHERE ca.article_id = a.id AND ca.model_version = %(version)s
                                        AND (ca.status <> 'error' OR ca.attempts >= %(max_attempts)s)))
        ORDER BY a.id LIMIT %(limit)s
        """,
        {"after": after_id, "all": reclassify, "version": model_version, "limit": limit, "max_attempts": MAX_ATTEMPTS},
    )
    return [ClassifierInput(id=r[0], title=r[1] or "", text=r[2] or "", lang=r[3]) for r in cur.fetchall()]


def _storable(text: str | None) -> str | None:
    return text.replace("\x00", "") if text is not None else None  # PostgreSQL text cannot hold NUL


def store_outputs(cur, outputs: list[ClassifierOutput]) -> None:
    """Write one classified_articles row per output and one classifications row per scored label,
    replacing what the same model version wrote before for those articles."""
    if not outputs:
        return
    execute_values(
        cur,
        """
        INSERT INTO classified_articles (article_id, model_version, status, detail) VALUES %s
        ON CONFLICT (article_id, model_version) DO UPDATE
        SET status = EXCLUDED.status, detail = EXCLUDED.detail, classified_at = now(),
            attempts = classified_articles.attempts + 1
        """,
        [(int(o.id), o.model_version, o.status, _storable(o.detail)) for o in outputs],
    )
    # Scores of a previous run of this version are replaced as a whole (a label may have dropped out).
    execute_values(
        cur,
        "DELETE FROM classifications c USING (VALUES %s) AS done(article_id, model_version)"
        " WHERE c.article_id = done.article_id AND c.model_version = done.model_version",
        [(int(o.id), o.model_version) for o in outputs],
    )
    rows = [
        (
            int(o.id),
            o.model_version,
            label,
            min(max(float(p), 0.0), 1.0),
            label in o.labels,
            _storable(o.evidence.get(label)) if label in o.labels else None,
        )
        for o in outputs
        for label, p in o.scores.items()
    ]
    if rows:
        execute_values(
            cur,
            """
            INSERT INTO classifications (article_id, model_version, label, probability, positive, evidence)
            VALUES %s
            ON CONFLICT (article_id, model_version, label) DO UPDATE  -- a concurrent run of the same version
            SET probability = EXCLUDED.probability, positive = EXCLUDED.positive, evidence = EXCLUDED.evidence,
                classified_at = now()
            """,
            rows,
        )


def latest_model_version(cur) -> str | None:
    """The model version that classified most recently, else the newest registered one, else None."""
    cur.execute("SELECT model_version FROM classified_articles ORDER BY classified_at DESC LIMIT 1")
    row = cur.fetchone()
    if row:
        return row[0]
    cur.execute("SELECT version FROM model_versions ORDER BY created_at DESC LIMIT 1")
    row = cur.fetchone()
    return row[0] if row else None
