-- The latest lim crawl runs of every source, newest first per source.
--   lim  integer
SELECT source_id, run_id, started_at, finished_at, status, pages_fetched, items_stored, items_skipped,
       errors, error_counts, note
FROM (
    SELECT r.*, row_number() OVER (PARTITION BY r.source_id ORDER BY r.started_at DESC, r.id DESC) AS n
    FROM crawl_runs r
) runs
WHERE n <= %(lim)s
ORDER BY source_id, started_at DESC;
