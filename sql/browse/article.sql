-- One article with its source (chainwatch.storage.browse.article).
--   id  bigint
SELECT a.id, a.title, a.url, a.canonical_url, a.source_id, s.name AS source_name, s.category, s.domain,
       a.published_at, a.fetched_at, a.lang, coalesce(a.story_id, a.id) AS story_id, a.lead, a.text,
       chainwatch_shown_day(a.published_day, a.published_at) AS published_day  -- the publisher's day, else UTC's (013)
FROM articles a
JOIN sources s ON s.id = a.source_id
WHERE a.id = %(id)s;
