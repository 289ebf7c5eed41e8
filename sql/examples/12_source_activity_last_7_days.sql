-- Question: How many articles did each source publish in the last 7 days, and how many of them
-- carry a risk label (latest model)?
SELECT a.source_id,
       count(*) AS articles,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM article_labels al
           WHERE al.article_id = a.id AND al.label_kind = 'risk')) AS with_risk_label
FROM articles a
WHERE a.published_at >= now() - interval '7 days'
GROUP BY a.source_id
ORDER BY articles DESC, a.source_id;
