-- Question: Which stories of the last 30 days were covered by three or more sources?
-- (Widely carried stories; `stories` groups near-duplicate articles.)
SELECT story_id, title, sources, articles, source_ids, first_published, last_published
FROM stories
WHERE sources >= 3
  AND first_published >= now() - interval '30 days'
ORDER BY sources DESC, first_published DESC, story_id;
