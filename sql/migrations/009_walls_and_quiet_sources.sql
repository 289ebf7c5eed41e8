-- 009: crawl runs that met bot walls or script-only pages, and sources quiet two runs in a row.
--
-- A run whose pages were bot challenges, login or consent walls ends 'blocked'; one whose pages
-- were script-only shells ends 'js_required' (spiders.walls). source_health reports both, and
-- flags 'no_items' only when the last two finished runs both found nothing (one quiet run can
-- be a slow news day; two in a row is a source that stopped delivering).

ALTER TABLE crawl_runs DROP CONSTRAINT IF EXISTS crawl_runs_status_check;
ALTER TABLE crawl_runs ADD CONSTRAINT crawl_runs_status_check
    CHECK (status IN ('running', 'ok', 'degraded', 'blocked', 'js_required', 'failed', 'interrupted'));

CREATE OR REPLACE VIEW source_health AS
SELECT s.id AS source_id, s.name, s.kind, s.lang, s.enabled,
       r.run_id AS last_run_id, r.started_at AS last_run_started, r.finished_at AS last_run_finished,
       r.status AS last_run_status, r.pages_fetched, r.items_stored, r.items_skipped, r.errors,
       coalesce(t.articles, 0) AS articles, t.newest_article,
       CASE
         WHEN r.id IS NULL THEN 'never_run'
         WHEN r.status = 'running' THEN 'running'
         WHEN r.status = 'failed' THEN 'failing'
         WHEN r.status IN ('blocked', 'js_required') THEN r.status
         WHEN r.status = 'degraded' THEN 'degraded'
         WHEN r.errors > 0 AND r.errors >= 0.5 * greatest(r.pages_fetched, 1) THEN 'degraded'
         WHEN r.items_stored + r.items_skipped = 0 AND q.quiet_runs >= 2 THEN 'no_items'
         WHEN r.items_stored + r.items_skipped = 0 THEN 'quiet'
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
    -- of the last two finished runs, how many found nothing at all
    SELECT count(*) FILTER (WHERE f.items_stored + f.items_skipped = 0) AS quiet_runs
    FROM (SELECT items_stored, items_skipped FROM crawl_runs cr
          WHERE cr.source_id = s.id AND cr.status NOT IN ('running', 'interrupted')
          ORDER BY cr.started_at DESC, cr.id DESC LIMIT 2) f
) q ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS articles, max(published_at) AS newest_article,
           count(*) FILTER (WHERE published_at >= now() - interval '7 days') AS articles_7d
    FROM articles a
    WHERE a.source_id = s.id
) t ON true;
