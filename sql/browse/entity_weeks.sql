-- Articles, stories and sources per ISO week (UTC) that mention one entity, over weeks starting in
-- [start, end) (weekly_entity_counts, migration 007). Weeks without a mention are absent.
--   entity  text; start, end  date (Mondays)
SELECT week_start, articles, stories, sources
FROM weekly_entity_counts
WHERE entity_id = %(entity)s AND week_start >= %(start)s::date AND week_start < %(end)s::date
ORDER BY week_start;
