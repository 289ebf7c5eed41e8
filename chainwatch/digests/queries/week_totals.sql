-- Items, stories and sources per ISO week (UTC) in [%(start)s, %(end)s): the key figures of the
-- digest week and the weeks before it. Weeks without articles have no row.
-- `unclassified` is only worked out for the digest week (%(week_start)s).
SELECT week_start,
       count(*) AS items,
       count(DISTINCT story_id) AS stories,
       count(DISTINCT source_id) AS sources,
       count(*) FILTER (WHERE week_start = %(week_start)s AND NOT classified) AS unclassified
FROM digest_articles
WHERE published_at >= %(start)s AND published_at < %(end)s
GROUP BY week_start
ORDER BY week_start;
