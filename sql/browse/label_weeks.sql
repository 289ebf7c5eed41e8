-- Items, stories and sources per ISO week (UTC) for one label, over [start, end): positive labels of
-- each article's latest classification (digest_article_labels). Weeks without items are absent.
--   label  text; start, end  timestamptz
SELECT week_start, count(*) AS items, count(DISTINCT story_id) AS stories, count(DISTINCT source_id) AS sources
FROM digest_article_labels
WHERE label = %(label)s AND published_at >= %(start)s AND published_at < %(end)s
GROUP BY week_start
ORDER BY week_start;
