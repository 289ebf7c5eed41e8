-- Dated articles per ISO week (UTC) over [start, end), for spike baselines. Weeks without items are absent.
--   start, end  timestamptz
SELECT week_start, count(*) AS items
FROM digest_articles
WHERE published_at >= %(start)s AND published_at < %(end)s
GROUP BY week_start
ORDER BY week_start;
