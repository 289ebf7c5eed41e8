-- Views for people who query the database directly (documented in docs/schema.md).
-- Column names are a contract (digests and maintenance read them): add columns at the end, never rename.

-- Indexes the views rely on.
-- "Latest classification of an article" is an anti-join on (article_id, classified_at, model_version).
CREATE INDEX classified_articles_latest ON classified_articles (article_id, classified_at DESC, model_version DESC);
-- stories groups by coalesce(story_id, id); this lets `WHERE story_id = ...` on the view use an index.
CREATE INDEX articles_story_key ON articles ((coalesce(story_id, id)));

-- Each article with its positive labels, from the latest model version that classified it
-- (latest by classified_at, ties broken by model_version). Articles whose latest classification
-- found no label have no rows here. Written as an anti-join (not DISTINCT ON over the whole table)
-- so filters on article_id or label reach the indexes.
CREATE VIEW article_labels AS
SELECT a.id AS article_id, a.canonical_url, a.source_id, a.title, a.published_at, a.lang,
       coalesce(a.story_id, a.id) AS story_id,
       c.model_version, c.label, c.probability, c.evidence,
       l.kind AS label_kind, l.name AS label_name, ca.classified_at
FROM classified_articles ca
JOIN articles a ON a.id = ca.article_id
JOIN classifications c ON c.article_id = ca.article_id AND c.model_version = ca.model_version AND c.positive
JOIN labels l ON l.id = c.label
WHERE NOT EXISTS (
    SELECT 1 FROM classified_articles newer
    WHERE newer.article_id = ca.article_id
      AND (newer.classified_at, newer.model_version) > (ca.classified_at, ca.model_version)
);

-- Positive-label counts per ISO week (UTC) and label.
CREATE VIEW weekly_label_counts AS
SELECT to_char(date_trunc('week', published_at AT TIME ZONE 'UTC'), 'IYYY-"W"IW') AS iso_week,
       date_trunc('week', published_at AT TIME ZONE 'UTC')::date AS week_start,
       label,
       count(*) AS articles,
       count(DISTINCT story_id) AS stories,
       min(label_kind) AS label_kind,
       count(DISTINCT source_id) AS sources
FROM article_labels
WHERE published_at IS NOT NULL
GROUP BY 2, 1, label;

-- Near-duplicate groups: every story with the sources and links that carried it.
-- An article with no story_id is a story of its own (story_id = its id).
CREATE VIEW stories AS
SELECT coalesce(story_id, id) AS story_id,
       (array_agg(title ORDER BY published_at NULLS LAST, id))[1] AS title,
       min(published_at) AS first_published,
       max(published_at) AS last_published,
       count(*) AS articles,
       count(DISTINCT source_id) AS sources,
       array_agg(DISTINCT source_id ORDER BY source_id) AS source_ids,
       array_agg(canonical_url ORDER BY published_at NULLS LAST, id) AS urls,
       array_agg(id ORDER BY published_at NULLS LAST, id) AS article_ids,
       array_agg(DISTINCT lang ORDER BY lang) FILTER (WHERE lang IS NOT NULL) AS langs
FROM articles
GROUP BY coalesce(story_id, id);

-- Each source's latest run (by started_at) and article totals, with a health flag:
--   never_run  no crawl run recorded
--   running    the latest run has not finished
--   failing    the latest run failed
--   degraded   the latest run ended 'degraded', or half or more of its requests were errors
--   no_items   the latest run found nothing (neither new nor already-stored items)
--   ok         otherwise
CREATE VIEW source_health AS
SELECT s.id AS source_id, s.name, s.kind, s.lang, s.enabled,
       r.run_id AS last_run_id, r.started_at AS last_run_started, r.finished_at AS last_run_finished,
       r.status AS last_run_status, r.pages_fetched, r.items_stored, r.items_skipped, r.errors,
       coalesce(t.articles, 0) AS articles, t.newest_article,
       CASE
         WHEN r.id IS NULL THEN 'never_run'
         WHEN r.status = 'running' THEN 'running'
         WHEN r.status = 'failed' THEN 'failing'
         WHEN r.status = 'degraded' THEN 'degraded'
         WHEN r.errors > 0 AND r.errors >= 0.5 * greatest(r.pages_fetched, 1) THEN 'degraded'
         WHEN r.items_stored + r.items_skipped = 0 THEN 'no_items'
         ELSE 'ok'
       END AS health,
       r.error_counts AS last_run_error_counts,
       coalesce(t.articles_7d, 0) AS articles_7d,
       s.category
FROM sources s
LEFT JOIN LATERAL (
    SELECT * FROM crawl_runs cr
    WHERE cr.source_id = s.id
    ORDER BY cr.started_at DESC, cr.id DESC
    LIMIT 1
) r ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS articles, max(published_at) AS newest_article,
           count(*) FILTER (WHERE published_at >= now() - interval '7 days') AS articles_7d
    FROM articles a
    WHERE a.source_id = s.id
) t ON true;
