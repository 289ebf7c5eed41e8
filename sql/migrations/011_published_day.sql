-- 011: the publisher's own calendar day beside the instant (issue 16, "Dates").
--
-- published_at is an instant (timestamptz, shown in UTC); a page published 2020-02-15T07:00+09:00
-- is 2020-02-14 22:00 UTC, and a digest showing only a date would call it the 14th. published_day
-- is the day the publisher wrote (spiders.dates.local_day: the written offset, or the source's
-- zone for a UTC stamp), and what digests, search and the web show where only a date is shown.
-- Rows stored before this migration keep NULL (readers fall back to published_at's UTC day) until
-- a crawl, a backfill or a WARC import stores them again.
-- (Numbered 011: 010 is taken by the story links of issue 15.)

ALTER TABLE articles ADD COLUMN published_day date;

-- The column is appended, so CREATE OR REPLACE keeps the view's existing columns in place.
CREATE OR REPLACE VIEW digest_articles AS
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
       EXISTS (SELECT 1 FROM classified_articles ca WHERE ca.article_id = a.id) AS classified,
       coalesce(a.published_day, (a.published_at AT TIME ZONE 'UTC')::date) AS published_day
FROM articles a
LEFT JOIN sources s ON s.id = a.source_id;
