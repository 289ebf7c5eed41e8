-- Per-source health of one week: crawl runs started in it and items published in it, for every
-- enabled source and any other source that ran or published. Status, in the order checked:
--   not_crawled  no crawl run started in the week
--   failing      every run failed
--   degraded     a run failed or ended degraded, or half or more of the requests were errors
--   no_items     the runs found nothing (neither new nor already-stored items)
--   ok           otherwise
-- (the same thresholds as source_health in 002, applied to the week's runs together).
WITH runs AS (
    SELECT source_id,
           count(*) AS runs,
           count(*) FILTER (WHERE status = 'failed') AS failed_runs,
           count(*) FILTER (WHERE status = 'degraded') AS degraded_runs,
           sum(pages_fetched) AS pages,
           sum(items_stored) AS stored,
           sum(items_skipped) AS skipped,
           sum(errors) AS errors
    FROM digest_crawl_runs
    WHERE started_at >= %(start)s AND started_at < %(end)s
    GROUP BY source_id
), error_kinds AS (
    SELECT source_id, jsonb_object_agg(kind, n) AS kinds
    FROM (
        SELECT r.source_id, e.key AS kind, sum(e.value::bigint) AS n
        FROM digest_crawl_runs r
        CROSS JOIN LATERAL jsonb_each_text(r.error_counts) e
        WHERE r.started_at >= %(start)s AND r.started_at < %(end)s AND e.value ~ '^[0-9]{1,18}$'
        GROUP BY r.source_id, e.key
    ) k
    GROUP BY source_id
), items AS (
    SELECT source_id, count(*) AS items
    FROM digest_articles
    WHERE published_at >= %(start)s AND published_at < %(end)s
    GROUP BY source_id
)
SELECT s.source_id, s.source_name,
       coalesce(r.runs, 0), coalesce(r.failed_runs, 0), coalesce(r.pages, 0), coalesce(r.stored, 0),
       coalesce(r.skipped, 0), coalesce(r.errors, 0), coalesce(k.kinds, '{}'::jsonb), coalesce(i.items, 0),
       CASE
         WHEN r.runs IS NULL THEN 'not_crawled'
         WHEN r.failed_runs = r.runs THEN 'failing'
         WHEN r.failed_runs > 0 OR r.degraded_runs > 0 THEN 'degraded'
         WHEN r.errors > 0 AND r.errors >= 0.5 * greatest(r.pages, 1) THEN 'degraded'
         WHEN r.stored + r.skipped = 0 THEN 'no_items'
         ELSE 'ok'
       END AS status
FROM digest_sources s
LEFT JOIN runs r ON r.source_id = s.source_id
LEFT JOIN error_kinds k ON k.source_id = s.source_id
LEFT JOIN items i ON i.source_id = s.source_id
WHERE s.enabled OR r.runs IS NOT NULL OR i.items IS NOT NULL
ORDER BY s.source_id;
