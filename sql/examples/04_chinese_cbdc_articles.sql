-- Question: Which Chinese-language articles are about central bank digital currencies (e.g. the
-- e-CNY / 数字人民币), newest first?
-- Uses the cbdc label of the latest model (`article_labels`) and the detected language.
SELECT article_id, published_at, source_id, title, round(probability::numeric, 2) AS probability,
       canonical_url
FROM article_labels
WHERE label = 'cbdc'
  AND lang = 'zh'
ORDER BY published_at DESC, article_id;
