-- Gazetteer entities mentioned in the week [%(start)s, %(end)s) and in no article published
-- before it. One input row per alias (chainwatch/digests/entities.py: search_terms): config
-- 'english' is a phrase, config 'simple' is jieba words that must all occur. Aliases made only of
-- stop words give an empty query and are dropped.
--
-- Cost: the week's articles are matched against every entity (linear in the week, not in the
-- database). "Never before" is settled cheaply for the common names first, by the previous
-- week [%(previous_start)s, %(start)s); only the rest probe the GIN index on tsv, whose posting
-- lists are short exactly for the rare names (a common name's list would cost ~20 ms each).
WITH aliases AS (
    SELECT entity_id,
           CASE WHEN config = 'english' THEN phraseto_tsquery('english', term)
                ELSE plainto_tsquery('simple', term) END AS q
    FROM unnest(%(entity_ids)s::text[], %(configs)s::text[], %(terms)s::text[]) AS g(entity_id, config, term)
), entities AS MATERIALIZED (
    SELECT entity_id, chainwatch_tsquery_or(q) AS q
    FROM aliases
    WHERE numnode(q) > 0
    GROUP BY entity_id
), this_week AS MATERIALIZED (
    SELECT article_id, published_at, tsv
    FROM digest_articles
    WHERE published_at >= %(start)s AND published_at < %(end)s
), mentioned AS MATERIALIZED (
    SELECT e.entity_id, e.q, count(*) AS mentions,
           (array_agg(w.article_id ORDER BY w.published_at, w.article_id))[1] AS first_article
    FROM entities e
    JOIN this_week w ON w.tsv @@ e.q
    GROUP BY e.entity_id, e.q
), previous_week AS MATERIALIZED (
    SELECT tsv
    FROM digest_articles
    WHERE published_at >= %(previous_start)s AND published_at < %(start)s
), not_last_week AS MATERIALIZED (
    SELECT m.*
    FROM mentioned m
    WHERE NOT EXISTS (SELECT 1 FROM previous_week p WHERE p.tsv @@ m.q)
)
SELECT n.entity_id, n.mentions, a.title, a.canonical_url, a.source_name
FROM not_last_week n
JOIN digest_articles a ON a.article_id = n.first_article
WHERE NOT EXISTS (
    SELECT 1 FROM digest_articles p
    WHERE p.tsv @@ n.q AND p.published_at < %(previous_start)s
)
ORDER BY n.mentions DESC, n.entity_id;
