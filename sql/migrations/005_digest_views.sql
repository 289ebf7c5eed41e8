-- Views the weekly digest reads (chainwatch/digests), beside article_labels and stories (002).
-- The digest reads only views; its queries are in chainwatch/digests/queries/*.sql.

-- Every article with its source's display name, its story key (as in article_labels and stories)
-- and its ISO week start (UTC). Filters on published_at reach articles_published; filters on
-- story_id reach articles_story_key (002). `tsv` is exposed so gazetteer names are matched with
-- the GIN index, the same way `chainwatch search` matches words. Unused columns cost nothing: the
-- view is flattened into each query, and `classified` is only evaluated where it is read.
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
JOIN sources s ON s.id = a.source_id;

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

-- A week's runs by start time (crawl_runs_source_started leads with source_id).
CREATE INDEX crawl_runs_started ON crawl_runs (started_at);

-- OR-combine tsqueries: one tsquery per gazetteer alias becomes one query per entity
-- (the counterpart of chainwatch_tsquery_and in 004). Strict: NULL inputs are skipped.
CREATE AGGREGATE chainwatch_tsquery_or(tsquery) (SFUNC = tsquery_or, STYPE = tsquery);
