-- The signals the story linker compares (chainwatch.storage.story_links.window_signals): every
-- article with an embedding from %(encoder)s dated inside [%(start)s, %(end)s] (the publisher's
-- date, else when it was stored), with its story, its source, whether that is official, its language, the entities
-- and the US-dollar amounts of its latest entity extraction.
SELECT a.id, coalesce(a.story_id, a.id) AS story_id, coalesce(a.published_at, a.created_at) AS dated, a.source_id,
       s.category = 'official' AS official, a.lang, e.vector,
       coalesce((SELECT array_agg(DISTINCT m.entity_id) FROM article_entity_mentions m
                 WHERE m.article_id = a.id AND m.entity_id IS NOT NULL), '{}') AS entities,
       coalesce((SELECT array_agg(DISTINCT m.amount_usd) FROM article_entity_mentions m
                 WHERE m.article_id = a.id AND m.amount_usd IS NOT NULL), '{}') AS amounts
FROM articles a
JOIN sources s ON s.id = a.source_id
JOIN article_embeddings e ON e.article_id = a.id AND e.encoder = %(encoder)s
WHERE coalesce(a.published_at, a.created_at) BETWEEN %(start)s AND %(end)s
ORDER BY a.id
