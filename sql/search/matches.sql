-- Search step 2 (chainwatch.search): the ids of the newest matching articles, at most %(pool)s, in
-- one window of ids (id_lo, id_hi]. "Newest" is the most recently stored (highest id). The caller
-- walks windows from the newest ids down, doubling their width, until it has enough matches, so the
-- work is bounded by the window, not by how many articles match overall: inside a window the planner
-- reads the primary key (or (source_id, id) / (lang, id), migration 004) backwards and stops early
-- when the words are common, or ANDs the GIN bitmap of tsv with the id range when they are rare. It
-- decides from the lexeme statistics, %(tsq)s being a constant (the text built by tsquery.sql).
-- Without --label; see matches_label.sql.
--   %(since)s, %(until)s  timestamptz or NULL: since <= published_at < until
--   %(lang)s, %(source)s  text or NULL
--   %(id_lo)s, %(id_hi)s  the window
SELECT a.id
FROM articles a
WHERE a.tsv @@ %(tsq)s::tsquery
  AND (%(since)s::timestamptz IS NULL OR a.published_at >= %(since)s::timestamptz)
  AND (%(until)s::timestamptz IS NULL OR a.published_at < %(until)s::timestamptz)
  AND (%(lang)s::text IS NULL OR a.lang = %(lang)s::text)
  AND (%(source)s::text IS NULL OR a.source_id = %(source)s::text)
  AND a.id > %(id_lo)s AND a.id <= %(id_hi)s
ORDER BY a.id DESC
LIMIT %(pool)s;
