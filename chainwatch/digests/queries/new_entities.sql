-- Gazetteer entities mentioned in the week and in no article published before it.
-- One input row per alias (chainwatch/digests/entities.py: search_terms): config 'english' is a
-- phrase, config 'simple' is jieba words that must all occur. Aliases made only of stop words
-- give an empty query and are dropped. Matching uses the GIN index on articles.tsv.
WITH aliases AS (
    SELECT entity_id,
           CASE WHEN config = 'english' THEN phraseto_tsquery('english', term)
                ELSE plainto_tsquery('simple', term) END AS q
    FROM unnest(%(entity_ids)s::text[], %(configs)s::text[], %(terms)s::text[]) AS g(entity_id, config, term)
), entities AS (
    SELECT entity_id, chainwatch_tsquery_or(q) AS q
    FROM aliases
    WHERE numnode(q) > 0
    GROUP BY entity_id
), this_week AS (
    SELECT e.entity_id, e.q, m.mentions, m.first_article
    FROM entities e
    CROSS JOIN LATERAL (
        SELECT count(*) AS mentions,
               (array_agg(a.article_id ORDER BY a.published_at, a.article_id))[1] AS first_article
        FROM digest_articles a
        WHERE a.tsv @@ e.q AND a.published_at >= %(start)s AND a.published_at < %(end)s
    ) m
    WHERE m.mentions > 0
)
SELECT t.entity_id, t.mentions, a.title, a.canonical_url, a.source_name
FROM this_week t
JOIN digest_articles a ON a.article_id = t.first_article
WHERE NOT EXISTS (
    SELECT 1 FROM digest_articles p
    WHERE p.tsv @@ t.q AND p.published_at < %(start)s
)
ORDER BY t.mentions DESC, t.entity_id;
