-- Model versions behind the week's labels (named in the digest's footer).
SELECT DISTINCT model_version
FROM article_labels
WHERE published_at >= %(start)s AND published_at < %(end)s
ORDER BY model_version;
