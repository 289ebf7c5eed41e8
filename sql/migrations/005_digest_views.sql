-- Views the weekly digest reads (chainwatch/digests), and the indexes that keep it fast on a
-- large database. The digest reads only views; its queries are chainwatch/digests/queries/*.sql.
-- Measured with bench/bench_digest.py (a week of 10,000 items among 1,000,000 articles).

-- Every article with its source's display name, its story key (as in article_labels and stories)
-- and its ISO week start (UTC). Filters on published_at reach the published_at indexes; filters
-- on story_id reach articles_story_key (002). `tsv` is exposed so that gazetteer names are
-- matched the way `chainwatch search` matches words. The view is flattened into each query:
-- `classified` is only evaluated where it is read, and the LEFT JOIN (sources.id is the key) is
-- dropped by the planner where source_name is not read.
CREATE VIEW digest_articles AS
SELECT a.id AS article_id,
       coalesce(a.story_id, a.id) AS story_id,
       a.source_id,
       s.name AS source_name,
       a.title,
       a.canonical_url,
       a.published_at,
       date_trunc('week', a.published_at AT TIME ZONE 'UTC')::date AS week_start,
       a.lang,
       a.tsv,
       EXISTS (SELECT 1 FROM classified_articles ca WHERE ca.article_id = a.id) AS classified
FROM articles a
LEFT JOIN sources s ON s.id = a.source_id;

-- Each article's positive labels from the latest model version that classified it: the rows of
-- article_labels (002), same rule (latest by classified_at, then model_version), written with a
-- LATERAL lookup per article. For a range of published_at PostgreSQL then starts from the
-- articles of those weeks and probes classified_articles_latest and the classifications index
-- for each; article_labels' anti-join is planned as hash joins over the whole of
-- classified_articles and classifications (12 weeks of a 1M-article database: ~1.1 s vs ~0.6 s).
CREATE VIEW digest_article_labels AS
SELECT a.id AS article_id,
       coalesce(a.story_id, a.id) AS story_id,
       a.source_id,
       a.title,
       a.canonical_url,
       a.published_at,
       date_trunc('week', a.published_at AT TIME ZONE 'UTC')::date AS week_start,
       latest.model_version,
       c.label,
       c.probability,
       c.evidence
FROM articles a
CROSS JOIN LATERAL (
    SELECT ca.model_version
    FROM classified_articles ca
    WHERE ca.article_id = a.id
    ORDER BY ca.classified_at DESC, ca.model_version DESC
    LIMIT 1
) latest
JOIN classifications c ON c.article_id = a.id AND c.model_version = latest.model_version AND c.positive;

-- Sources as the digest names them (source_health in 002 also counts every source's articles).
CREATE VIEW digest_sources AS
SELECT id AS source_id, name AS source_name, enabled, lang, kind, category
FROM sources;

-- Crawl runs with their source's name and ISO week start (UTC, by started_at): per-source health
-- of one week (source_health in 002 only shows each source's latest run).
CREATE VIEW digest_crawl_runs AS
SELECT r.id AS crawl_run_id,
       r.run_id,
       r.source_id,
       s.name AS source_name,
       r.started_at,
       date_trunc('week', r.started_at AT TIME ZONE 'UTC')::date AS week_start,
       r.status,
       r.pages_fetched,
       r.items_stored,
       r.items_skipped,
       r.errors,
       r.error_counts
FROM crawl_runs r
JOIN sources s ON s.id = r.source_id;

-- The trend (8 weeks) reads ~80k articles in the benchmark: with the columns it needs in the
-- index they are read from the index alone (~10 ms) instead of ~12k heap pages (~100-200 ms).
CREATE INDEX articles_published_covering ON articles (published_at) INCLUDE (id, source_id, story_id);
-- Positive labels of (article, model version) from the index alone, for the same trend.
CREATE INDEX classifications_positive_labels ON classifications (article_id, model_version) INCLUDE (label)
    WHERE positive;
-- A week's runs by start time (crawl_runs_source_started leads with source_id).
CREATE INDEX crawl_runs_started ON crawl_runs (started_at);

-- OR-combine tsqueries: one tsquery per gazetteer alias becomes one query per entity
-- (the counterpart of chainwatch_tsquery_and in 004). Strict: NULL inputs are skipped.
CREATE AGGREGATE chainwatch_tsquery_or(tsquery) (SFUNC = tsquery_or, STYPE = tsquery);
