-- Search step 3 (chainwatch.search): order the candidate ids from step 2, return rows offset+1 ..
-- offset+lim with a snippet and their labels (the article_labels view).
--   ids     bigint[]  candidates (matches.sql / matches_label.sql)
--   tsq     tsquery text (tsquery.sql)
--   by_date boolean   false: best rank first; true: newest published first
--   offset, lim       the page
-- ts_rank_cd weights {D, C, B, A} = {0.4, 0.2, 0.4, 1.0}: the title (A) counts most, body text (B) and
-- Chinese tokens (D, the 'simple' part of tsv) alike; normalisation 1 divides by 1 + log(length).
-- Ties: newest first. Snippets and labels are computed for the returned rows only.
WITH ranked AS (
    SELECT a.id, a.published_at, ts_rank_cd('{0.4, 0.2, 0.4, 1.0}', a.tsv, %(tsq)s::tsquery, 1) AS rank
    FROM articles a
    WHERE a.id = ANY(%(ids)s::bigint[])
), top AS MATERIALIZED (
    SELECT id, rank, row_number() OVER (
               ORDER BY CASE WHEN %(by_date)s THEN 0 ELSE rank END DESC, published_at DESC NULLS LAST, id DESC
           ) AS position
    FROM ranked
    ORDER BY position
    OFFSET %(offset)s
    LIMIT %(lim)s
)
SELECT a.id, a.title, a.canonical_url, a.source_id, a.published_at, a.lang, t.rank,
       chainwatch_shown_day(a.published_day, a.published_at) AS published_day,
       ts_headline('english', left(a.text, 20000), %(tsq)s::tsquery,
                   'MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … ", StartSel=«, StopSel=»'),
       ARRAY(SELECT al.label FROM article_labels al WHERE al.article_id = a.id
             ORDER BY al.probability DESC, al.label) AS labels,
       CASE WHEN a.zh_tokens IS NOT NULL THEN left(a.text, 20000) END AS zh_text,
       ARRAY(SELECT al.probability FROM article_labels al WHERE al.article_id = a.id
             ORDER BY al.probability DESC, al.label) AS scores
FROM top t
JOIN articles a ON a.id = t.id
ORDER BY t.position;
