-- Question: Which articles mention 数字人民币 (the digital yuan) in their Chinese text?
-- Chinese text is indexed as jieba tokens (articles.zh_tokens, 'simple' config). jieba splits
-- 数字人民币 into 数字 / 人民币, so in psql type the words separated by spaces and use
-- plainto_tsquery('simple', ...), which requires all of them. (`chainwatch search 数字人民币`
-- segments the query for you.)
SELECT a.id AS article_id, a.source_id, a.published_at, a.title
FROM articles a
WHERE a.tsv @@ plainto_tsquery('simple', '数字 人民币')
ORDER BY a.published_at DESC, a.id;
