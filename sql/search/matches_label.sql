-- Search step 2 with --label (chainwatch.search): as matches.sql, restricted to articles whose latest
-- classification has %(label)s positive (the article_labels view). Written as a join so the planner
-- can walk the label's articles newest first (classifications_label_positive, backward) and stop
-- after %(pool)s matches, or start from the GIN index when the words are rare.
SELECT al.article_id
FROM article_labels al
JOIN articles a ON a.id = al.article_id
WHERE al.label = %(label)s::text
  AND a.tsv @@ %(tsq)s::tsquery
  AND (%(since)s::timestamptz IS NULL OR a.published_at >= %(since)s::timestamptz)
  AND (%(until)s::timestamptz IS NULL OR a.published_at < %(until)s::timestamptz)
  AND (%(lang)s::text IS NULL OR a.lang = %(lang)s::text)
  AND (%(source)s::text IS NULL OR a.source_id = %(source)s::text)
ORDER BY al.article_id DESC
LIMIT %(pool)s;
