-- Positive labels per ISO week (UTC) in [%(start)s, %(end)s), from each article's latest model
-- version (article_labels). Rows with label NULL count the items that have any label.
SELECT week_start, label,
       count(DISTINCT article_id) AS items,
       count(DISTINCT story_id) AS stories
FROM (
    SELECT date_trunc('week', published_at AT TIME ZONE 'UTC')::date AS week_start,
           label, article_id, story_id
    FROM article_labels
    WHERE published_at >= %(start)s AND published_at < %(end)s
) labelled
GROUP BY GROUPING SETS ((week_start, label), (week_start));
