-- Items per ISO week (UTC) in [%(start)s, %(end)s) (label NULL), and items per week and positive
-- label. Only counts: the trend charts, last week's numbers and the 4-week averages need no more,
-- and plain counts keep this, the digest's largest read (8 weeks), to index-only scans.
SELECT week_start, NULL::text AS label, count(*) AS items
FROM digest_articles
WHERE published_at >= %(start)s AND published_at < %(end)s
GROUP BY week_start
UNION ALL
SELECT week_start, label, count(*)
FROM digest_article_labels
WHERE published_at >= %(start)s AND published_at < %(end)s
GROUP BY week_start, label;
