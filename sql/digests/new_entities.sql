-- "What is new" (chainwatch.digests): entities FIRST SEEN WITHIN A ROLLING WINDOW, i.e. named by
-- articles published in the digest week [%(start)s, %(end)s) and by no article published in the
-- window before it [%(window_start)s, %(start)s) (eight weeks; chainwatch.digests.build.NEW_WINDOW_WEEKS).
-- Entities come from the extraction of the classify run (article_entity_list, migration 007), so
-- English and Chinese names of one entity count as one. Amounts are not entities. One row per
-- entity: its stories and items of the week, and its first item (title, link, source).
WITH this_week AS MATERIALIZED (
    SELECT l.entity_id, l.entity_name, l.kind, l.article_id, l.story_id, l.published_at
    FROM article_entity_list l
    WHERE l.published_at >= %(start)s AND l.published_at < %(end)s
), new AS (
    SELECT w.entity_id, min(w.entity_name) AS entity_name, min(w.kind) AS kind,
           count(DISTINCT w.story_id) AS stories, count(*) AS items,
           (array_agg(w.article_id ORDER BY w.published_at, w.article_id))[1] AS first_article
    FROM this_week w
    WHERE NOT EXISTS (
        SELECT 1 FROM article_entity_list p
        WHERE p.entity_id = w.entity_id AND p.published_at >= %(window_start)s AND p.published_at < %(start)s
    )
    GROUP BY w.entity_id
)
SELECT n.entity_id, n.entity_name, n.kind, n.stories, n.items, a.title, a.canonical_url, a.source_name
FROM new n
JOIN digest_articles a ON a.article_id = n.first_article
ORDER BY n.stories DESC, n.items DESC, n.entity_id
LIMIT %(limit)s;
