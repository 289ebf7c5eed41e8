-- The digest week's labels: stories per label, and (label NULL) the number of items with any
-- label and the model versions that labelled them.
SELECT label,
       count(DISTINCT story_id) AS stories,
       count(DISTINCT article_id) AS items,
       array_agg(DISTINCT model_version ORDER BY model_version) AS model_versions
FROM digest_article_labels
WHERE published_at >= %(start)s AND published_at < %(end)s
GROUP BY GROUPING SETS ((label), ());
