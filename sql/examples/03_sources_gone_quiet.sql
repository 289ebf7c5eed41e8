-- Question: Which enabled sources have gone quiet (no article published in the last 14 days, or
-- none ever), and what did their latest crawl run report?
SELECT source_id, name, newest_article, articles, health, last_run_status, last_run_started
FROM source_health
WHERE enabled
  AND (newest_article IS NULL OR newest_article < now() - interval '14 days')
ORDER BY newest_article NULLS FIRST, source_id;
