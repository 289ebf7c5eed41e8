-- Search step 2 (chainwatch.search): the ids of the newest matching articles, at most %(pool)s.
-- "Newest" is the most recently stored (highest id): a backward scan of the primary key (or of
-- (source_id, id) / (lang, id), migration 004) stops after %(pool)s matches when the words are common,
-- while rare words go through the GIN index on tsv; the planner picks from the word statistics, as
-- %(tsq)s is a constant (the text built by tsquery.sql). Without --label; see matches_label.sql.
--   %(since)s, %(until)s  timestamptz or NULL: since <= published_at < until
--   %(lang)s, %(source)s  text or NULL
SELECT a.id
FROM articles a
WHERE a.tsv @@ %(tsq)s::tsquery
  AND (%(since)s::timestamptz IS NULL OR a.published_at >= %(since)s::timestamptz)
  AND (%(until)s::timestamptz IS NULL OR a.published_at < %(until)s::timestamptz)
  AND (%(lang)s::text IS NULL OR a.lang = %(lang)s::text)
  AND (%(source)s::text IS NULL OR a.source_id = %(source)s::text)
ORDER BY a.id DESC
LIMIT %(pool)s;
