-- Search step 2 (chainwatch.search): the ids of the newest matching articles, at most pool, in
-- one window of ids (id_lo, id_hi]. "Newest" is the most recently stored (highest id). The caller
-- walks windows from the newest ids down, doubling their width, until it has enough matches, so the
-- work is bounded by the window rather than by how many articles match in all. restrict names the
-- window's blocks of ids ('@ 98' | '@ 99') and the narrow source, language and category filters
-- ('# news07', '% zh', '# sec' | '# cftc'), lexemes of chainwatch_search_tsv (migration 012), so the
-- GIN index articles_search_filtered returns only the window's matches that pass them; with common
-- words the planner may instead read the window newest first from the primary key and stop early.
-- tsq is a constant (the text built by tsquery.sql), so the planner sees the lexeme statistics.
-- Without --label; see matches_label.sql.
--   since, until  timestamptz or NULL: since <= published_at < until
--   lang          text or NULL: a language too common for a lexeme
--   category_sources  text[] or NULL: the sources of a category too broad for lexemes
--   entities      text[]: entity ids the article must all mention ('{}': no condition; migration 007)
--   id_lo, id_hi  the window
--   restrict      tsquery text or NULL: the window's blocks and the narrow filters as lexemes (NULL: none)
SELECT a.id
FROM articles a
WHERE CASE WHEN %(restrict)s::tsquery IS NULL THEN a.tsv @@ %(tsq)s::tsquery
           ELSE chainwatch_search_tsv(a.tsv, a.id, a.source_id, a.lang) @@ (%(tsq)s::tsquery && %(restrict)s::tsquery) END
  AND (%(since)s::timestamptz IS NULL OR a.published_at >= %(since)s::timestamptz)
  AND (%(until)s::timestamptz IS NULL OR a.published_at < %(until)s::timestamptz)
  AND (%(lang)s::text IS NULL OR a.lang = %(lang)s::text)
  AND (%(category_sources)s::text[] IS NULL OR a.source_id = ANY(%(category_sources)s::text[]))
  AND (cardinality(%(entities)s::text[]) = 0
       OR (SELECT count(DISTINCT l.entity_id) FROM article_entity_list l
           WHERE l.article_id = a.id AND l.entity_id = ANY(%(entities)s::text[])) = cardinality(%(entities)s::text[]))
  AND a.id > %(id_lo)s AND a.id <= %(id_hi)s
ORDER BY a.id DESC
LIMIT %(pool)s;
