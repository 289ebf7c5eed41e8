-- Key figures of the digest week [%(start)s, %(end)s): items (articles published in it), stories
-- (near-duplicate groups), sources, and items no model version has processed yet.
SELECT count(*) AS items,
       count(DISTINCT story_id) AS stories,
       count(DISTINCT source_id) AS sources,
       count(*) FILTER (WHERE NOT classified) AS unclassified
FROM digest_articles
WHERE published_at >= %(start)s AND published_at < %(end)s;
