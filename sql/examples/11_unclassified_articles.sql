-- Question: Which articles have not been classified by any model yet (the classifier's backlog)?
-- classified_articles has a row per processed (article, model version), so this is an anti-join.
SELECT a.id AS article_id, a.source_id, a.published_at, a.title
FROM articles a
WHERE NOT EXISTS (SELECT 1 FROM classified_articles ca WHERE ca.article_id = a.id)
ORDER BY a.published_at DESC NULLS LAST, a.id;
