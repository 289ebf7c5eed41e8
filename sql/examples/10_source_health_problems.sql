-- Question: Which enabled sources need attention now (latest crawl run failed, degraded, found
-- nothing, is still running, or never ran), and what errors did that run record?
SELECT source_id, health, last_run_status, last_run_started, pages_fetched, items_stored, errors,
       last_run_error_counts
FROM source_health
WHERE enabled AND health <> 'ok'
ORDER BY CASE health WHEN 'failing' THEN 1 WHEN 'degraded' THEN 2 WHEN 'blocked' THEN 3 WHEN 'js_required' THEN 3 WHEN 'no_items' THEN 3 WHEN 'quiet' THEN 3
                     WHEN 'never_run' THEN 4 ELSE 5 END, source_id;
