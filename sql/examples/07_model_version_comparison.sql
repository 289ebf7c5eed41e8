-- Question: How do the two newest model versions differ, label by label, on the articles that both
-- classified? (positives under each, positives kept, gained and lost by the newer model)
-- A label row missing for a version counts as negative.
WITH versions AS (
    SELECT version, row_number() OVER (ORDER BY created_at DESC, version DESC) AS n FROM model_versions
), pair AS (
    SELECT (SELECT version FROM versions WHERE n = 2) AS old_version,
           (SELECT version FROM versions WHERE n = 1) AS new_version
), shared AS (
    SELECT o.article_id
    FROM pair p
    JOIN classified_articles o ON o.model_version = p.old_version
    JOIN classified_articles n ON n.model_version = p.new_version AND n.article_id = o.article_id
), per_label AS (
    SELECT c.label, c.article_id,
           bool_or(c.positive) FILTER (WHERE c.model_version = p.old_version) AS old_pos,
           bool_or(c.positive) FILTER (WHERE c.model_version = p.new_version) AS new_pos
    FROM shared s
    JOIN classifications c ON c.article_id = s.article_id
    CROSS JOIN pair p
    WHERE c.model_version IN (p.old_version, p.new_version)
    GROUP BY c.label, c.article_id
)
SELECT p.old_version, p.new_version, x.label,
       count(*) FILTER (WHERE coalesce(x.old_pos, false)) AS old_positive,
       count(*) FILTER (WHERE coalesce(x.new_pos, false)) AS new_positive,
       count(*) FILTER (WHERE coalesce(x.old_pos, false) AND coalesce(x.new_pos, false)) AS kept,
       count(*) FILTER (WHERE NOT coalesce(x.old_pos, false) AND coalesce(x.new_pos, false)) AS gained,
       count(*) FILTER (WHERE coalesce(x.old_pos, false) AND NOT coalesce(x.new_pos, false)) AS lost
FROM per_label x CROSS JOIN pair p
GROUP BY p.old_version, p.new_version, x.label
HAVING count(*) FILTER (WHERE coalesce(x.old_pos, false) OR coalesce(x.new_pos, false)) > 0
ORDER BY x.label;
