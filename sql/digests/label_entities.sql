-- Top entities per label (chainwatch.digests): for each label, the entities named by the most
-- stories of the digest week [%(start)s, %(end)s) among its positive articles (label_entities,
-- migration 007), at most %(per_label)s per label; jurisdictions and people included, amounts not.
SELECT label, entity_id, entity_name, kind, stories
FROM (
    SELECT label, entity_id, min(entity_name) AS entity_name, min(kind) AS kind,
           count(DISTINCT story_id) AS stories,
           row_number() OVER (PARTITION BY label ORDER BY count(DISTINCT story_id) DESC, entity_id) AS rank
    FROM label_entities
    WHERE published_at >= %(start)s AND published_at < %(end)s
    GROUP BY label, entity_id
) ranked
WHERE rank <= %(per_label)s
ORDER BY label, rank;
