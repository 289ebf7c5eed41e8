-- Search step 3 (chainwatch.search): rank the candidate ids from step 2, return the best lim with
-- a snippet and their labels (the article_labels view).
--   ids  bigint[]  candidates (matches.sql / matches_label.sql)
--   tsq  tsquery text (tsquery.sql)
-- ts_rank_cd weights {D, C, B, A} = {0.4, 0.2, 0.4, 1.0}: the title (A) counts most, body text (B) and
-- Chinese tokens (D, the 'simple' part of tsv) alike; normalisation 1 divides by 1 + log(length).
-- Ties: newest first. Snippets and labels are computed for the returned rows only.
WITH top AS MATERIALIZED (
    SELECT a.id, ts_rank_cd('{0.4, 0.2, 0.4, 1.0}', a.tsv, %(tsq)s::tsquery, 1) AS rank
    FROM articles a
    WHERE a.id = ANY(%(ids)s::bigint[])
    ORDER BY rank DESC, a.published_at DESC NULLS LAST, a.id DESC
    LIMIT %(lim)s
)
SELECT a.id, a.title, a.canonical_url, a.source_id, a.published_at, a.lang, t.rank,
       ts_headline('english', left(a.text, 20000), %(tsq)s::tsquery,
                   'MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … ", StartSel=«, StopSel=»'),
       ARRAY(SELECT al.label FROM article_labels al WHERE al.article_id = a.id
             ORDER BY al.probability DESC, al.label) AS labels,
       CASE WHEN a.zh_tokens IS NOT NULL THEN left(a.text, 20000) END AS zh_text
FROM top t
JOIN articles a ON a.id = t.id
ORDER BY t.rank DESC, a.published_at DESC NULLS LAST, a.id DESC;
