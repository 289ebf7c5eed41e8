-- The copies of one story (near-duplicates sharing a story key), oldest first, at most lim.
--   story_id  bigint; lim  integer
SELECT a.id, a.source_id, s.name AS source_name, s.category, a.title, a.canonical_url, a.published_at, a.lang,
       chainwatch_shown_day(a.published_day, a.published_at) AS published_day  -- the publisher's day, else UTC's (013)
FROM articles a
JOIN sources s ON s.id = a.source_id
WHERE coalesce(a.story_id, a.id) = %(story_id)s
ORDER BY a.published_at NULLS LAST, a.id
LIMIT %(lim)s;
