-- Regulator lag per story (view regulator_lag, migration 010) for releases dated since %(since)s,
-- newest first, with the first press item's source and title.
SELECT r.story_id, r.regulator_source, r.release_title, r.released_at,
       p.source_id AS press_source, p.title AS press_title, r.first_press_at,
       extract(epoch FROM r.lag) / 3600.0 AS lag_hours,
       extract(epoch FROM r.zh_lag) / 3600.0 AS zh_lag_hours,
       r.press_items, r.press_sources
FROM regulator_lag r
JOIN articles p ON p.id = r.first_press_id
WHERE r.released_at >= %(since)s
ORDER BY r.released_at DESC, r.story_id
