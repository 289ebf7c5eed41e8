-- The entity list (web /entities, GET /api/v1/entities): every entity with how many articles and
-- stories mention it (each article's latest extraction, article_entity_list) and its last mention,
-- by kind, the most mentioned first.
--   kind          text or NULL: one kind only
--   min_articles  int: entities mentioned at least this often (0: the gazetteer's unmentioned ones too)
--   lim           rows at most
SELECT e.id AS entity_id, e.kind, e.name, e.aliases,
       coalesce(c.articles, 0) AS articles, coalesce(c.stories, 0) AS stories, c.last_seen
FROM entities e
LEFT JOIN (
    SELECT entity_id, count(*) AS articles, count(DISTINCT story_id) AS stories, max(published_at) AS last_seen
    FROM article_entity_list
    GROUP BY entity_id
) c ON c.entity_id = e.id
WHERE (%(kind)s::text IS NULL OR e.kind = %(kind)s::text)
  AND coalesce(c.articles, 0) >= %(min_articles)s
ORDER BY e.kind, coalesce(c.articles, 0) DESC, e.name, e.id
LIMIT %(lim)s;
