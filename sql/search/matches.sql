-- Search step 2 (chainwatch.search): the ids of the newest matching articles, at most pool, in
-- one window of ids (id_lo, id_hi]. "Newest" is the most recently stored (highest id). The caller
-- walks windows from the newest ids down, doubling their width, until it has enough matches, so the
-- work is bounded by the window rather than by how many articles match in all. blocks names the
-- window's blocks of ids ('@ 98' | '@ 99', see chainwatch_search_tsv in migration 004), so the GIN
-- index articles_search returns only the window's matches; with common words the planner may instead
-- read the window newest first from the primary key (or (source_id, id) / (lang, id)) and stop early.
-- tsq is a constant (the text built by tsquery.sql), so the planner sees the lexeme statistics.
-- Without --label; see matches_label.sql.
--   since, until  timestamptz or NULL: since <= published_at < until
--   lang, source  text or NULL
--   category      'news' | 'official' or NULL: the source's category
--   entities      text[]: entity ids the article must all mention ('{}': no condition; migration 007)
--   id_lo, id_hi  the window; blocks  its blocks, as tsquery text
SELECT a.id
FROM articles a
WHERE CASE WHEN %(blocks)s::tsquery IS NULL THEN a.tsv @@ %(tsq)s::tsquery
           ELSE chainwatch_search_tsv(a.tsv, a.id) @@ (%(tsq)s::tsquery && %(blocks)s::tsquery) END
  AND (%(since)s::timestamptz IS NULL OR a.published_at >= %(since)s::timestamptz)
  AND (%(until)s::timestamptz IS NULL OR a.published_at < %(until)s::timestamptz)
  AND (%(lang)s::text IS NULL OR a.lang = %(lang)s::text)
  AND (%(source)s::text IS NULL OR a.source_id = %(source)s::text)
  AND (%(category)s::text IS NULL OR a.source_id IN (SELECT s.id FROM sources s WHERE s.category = %(category)s::text))
  AND (cardinality(%(entities)s::text[]) = 0
       OR (SELECT count(DISTINCT l.entity_id) FROM article_entity_list l
           WHERE l.article_id = a.id AND l.entity_id = ANY(%(entities)s::text[])) = cardinality(%(entities)s::text[]))
  AND a.id > %(id_lo)s AND a.id <= %(id_hi)s
ORDER BY a.id DESC
LIMIT %(pool)s;
