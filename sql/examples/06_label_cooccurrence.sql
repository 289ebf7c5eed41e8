-- Question: Which labels occur together on the same article, and how often (latest model)?
-- Each unordered pair once (label_a < label_b), most frequent first.
SELECT a.label AS label_a, b.label AS label_b, count(*) AS articles
FROM article_labels a
JOIN article_labels b ON b.article_id = a.article_id AND a.label < b.label
GROUP BY a.label, b.label
ORDER BY articles DESC, label_a, label_b;
