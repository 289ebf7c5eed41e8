-- Full-text search (chainwatch.search). Parameters:
--   %(tsq)s    tsquery text built by sql/search/tsquery.sql (a constant, so the planner can use
--              the lexeme statistics of articles.tsv to pick the GIN index or a newest-first scan)
--   %(since)s, %(until)s  timestamptz or NULL: since <= published_at < until
--   %(lang)s, %(source)s, %(label)s  text or NULL (label: a positive label of the article's latest
--              classification, as in the article_labels view)
--   %(pool)s   rank at most this many matches, the newest first (bounds the cost of ranking
--              a very common word; every match is ranked when there are fewer)
--   %(lim)s    hits returned
-- Hits are ordered by ts_rank_cd (title weighs most; Chinese tokens count like body text),
-- then newest first. Snippets and labels are computed for the returned hits only.
WITH matches AS MATERIALIZED (
    SELECT a.id
    FROM articles a
    WHERE a.tsv @@ %(tsq)s::tsquery
      AND (%(since)s::timestamptz IS NULL OR a.published_at >= %(since)s::timestamptz)
      AND (%(until)s::timestamptz IS NULL OR a.published_at < %(until)s::timestamptz)
      AND (%(lang)s::text IS NULL OR a.lang = %(lang)s::text)
      AND (%(source)s::text IS NULL OR a.source_id = %(source)s::text)
      AND (%(label)s::text IS NULL OR EXISTS (
              SELECT 1 FROM article_labels al WHERE al.article_id = a.id AND al.label = %(label)s::text))
    ORDER BY a.published_at DESC NULLS LAST, a.id DESC
    LIMIT %(pool)s
), top AS MATERIALIZED (
    SELECT a.id, ts_rank_cd('{0.4, 0.2, 0.4, 1.0}', a.tsv, %(tsq)s::tsquery, 1) AS rank
    FROM matches m JOIN articles a ON a.id = m.id
    ORDER BY rank DESC, a.published_at DESC NULLS LAST, a.id DESC
    LIMIT %(lim)s
)
SELECT a.id, a.title, a.canonical_url, a.source_id, a.published_at, a.lang, t.rank,
       ts_headline('english', left(a.text, 20000), %(tsq)s::tsquery,
                   'MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … ", StartSel=«, StopSel=»'),
       ARRAY(SELECT al.label FROM article_labels al WHERE al.article_id = a.id
             ORDER BY al.probability DESC, al.label) AS labels,
       CASE WHEN a.zh_tokens IS NOT NULL THEN left(a.text, 20000) END AS zh_text
FROM top t JOIN articles a ON a.id = t.id
ORDER BY t.rank DESC, a.published_at DESC NULLS LAST, a.id DESC;
