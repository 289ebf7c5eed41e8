-- Every label's score for one article from the latest model version that classified it (latest by
-- classified_at, then model_version: article_labels' rule), positive labels first, with evidence.
--   id  bigint
WITH latest AS (
    SELECT ca.model_version, ca.classified_at, ca.status
    FROM classified_articles ca
    WHERE ca.article_id = %(id)s
    ORDER BY ca.classified_at DESC, ca.model_version DESC
    LIMIT 1
)
SELECT c.label, l.name, l.kind, c.probability, c.positive, c.evidence, latest.model_version,
       latest.classified_at, latest.status
FROM latest
JOIN classifications c ON c.article_id = %(id)s AND c.model_version = latest.model_version
LEFT JOIN labels l ON l.id = c.label
ORDER BY c.positive DESC, c.probability DESC, c.label;
