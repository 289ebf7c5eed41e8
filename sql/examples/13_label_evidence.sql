-- Question: What are the most confident security-breach articles of the last 7 days, with the
-- sentence the classifier gave as evidence?
SELECT article_id, source_id, published_at, title, round(probability::numeric, 2) AS probability, evidence
FROM article_labels
WHERE label = 'security_breach'
  AND published_at >= now() - interval '7 days'
ORDER BY probability DESC, article_id
LIMIT 10;
