-- Every ISO week (UTC) with at least one dated article, oldest first.
SELECT DISTINCT week_start
FROM digest_articles
WHERE published_at IS NOT NULL
ORDER BY week_start;
