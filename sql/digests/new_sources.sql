-- Sources that published in the week and never before it (by published_at), with their first item.
WITH this_week AS (
    SELECT source_id,
           min(source_name) AS source_name,
           count(*) AS items,
           (array_agg(article_id ORDER BY published_at, article_id))[1] AS first_article
    FROM digest_articles
    WHERE published_at >= %(start)s AND published_at < %(end)s
    GROUP BY source_id
)
SELECT w.source_id, w.source_name, w.items, a.title, a.canonical_url
FROM this_week w
JOIN digest_articles a ON a.article_id = w.first_article
WHERE NOT EXISTS (
    SELECT 1 FROM digest_articles p
    WHERE p.source_id = w.source_id AND p.published_at < %(start)s
)
ORDER BY w.items DESC, w.source_id;
