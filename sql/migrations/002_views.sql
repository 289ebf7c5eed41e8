-- Views for people who query the database directly (documented in docs/schema.md).

-- Each article with its positive labels, from the latest model version that classified it.
CREATE VIEW article_labels AS
WITH latest AS (
    SELECT DISTINCT ON (article_id) article_id, model_version
    FROM classified_articles
    ORDER BY article_id, classified_at DESC
)
SELECT a.id AS article_id, a.canonical_url, a.source_id, a.title, a.published_at, a.lang, a.story_id,
       c.model_version, c.label, c.probability, c.evidence
FROM articles a
JOIN latest l ON l.article_id = a.id
JOIN classifications c ON c.article_id = a.id AND c.model_version = l.model_version AND c.positive;

-- Positive-label counts per ISO week (UTC) and label.
CREATE VIEW weekly_label_counts AS
SELECT to_char(date_trunc('week', published_at AT TIME ZONE 'UTC'), 'IYYY-"W"IW') AS iso_week,
       date_trunc('week', published_at AT TIME ZONE 'UTC')::date AS week_start,
       label,
       count(*) AS articles,
       count(DISTINCT story_id) AS stories
FROM article_labels
WHERE published_at IS NOT NULL
GROUP BY 2, 1, label;

-- Near-duplicate groups: every story with the sources and links that carried it.
CREATE VIEW stories AS
SELECT coalesce(story_id, id) AS story_id,
       (array_agg(title ORDER BY published_at NULLS LAST, id))[1] AS title,
       min(published_at) AS first_published,
       max(published_at) AS last_published,
       count(*) AS articles,
       count(DISTINCT source_id) AS sources,
       array_agg(DISTINCT source_id) AS source_ids,
       array_agg(canonical_url ORDER BY published_at NULLS LAST, id) AS urls
FROM articles
GROUP BY coalesce(story_id, id);

-- Each source's latest run and totals, with a health flag.
CREATE VIEW source_health AS
WITH last_run AS (
    SELECT DISTINCT ON (source_id) *
    FROM crawl_runs
    ORDER BY source_id, started_at DESC
), totals AS (
    SELECT source_id, count(*) AS articles, max(published_at) AS newest_article
    FROM articles GROUP BY source_id
)
SELECT s.id AS source_id, s.name, s.kind, s.lang, s.enabled,
       r.run_id AS last_run_id, r.started_at AS last_run_started, r.finished_at AS last_run_finished,
       r.status AS last_run_status, r.pages_fetched, r.items_stored, r.items_skipped, r.errors,
       coalesce(t.articles, 0) AS articles, t.newest_article,
       CASE
         WHEN r.id IS NULL THEN 'never_run'
         WHEN r.status = 'failed' THEN 'failing'
         WHEN r.pages_fetched > 0 AND r.errors::float / r.pages_fetched > 0.5 THEN 'degraded'
         WHEN r.items_stored + r.items_skipped = 0 THEN 'no_items'
         ELSE 'ok'
       END AS health
FROM sources s
LEFT JOIN last_run r ON r.source_id = s.id
LEFT JOIN totals t ON t.source_id = s.id;
