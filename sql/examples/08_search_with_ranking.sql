-- Question: Which articles best match "tornado cash" (full-text search, ranked, with a highlighted
-- snippet)? The same ranking `chainwatch search` uses: websearch syntax, English stemming,
-- ts_rank_cd with the title weighted highest, ts_headline for the snippet.
SELECT a.id AS article_id, a.source_id, a.published_at, a.title,
       round(ts_rank_cd('{0.4, 0.2, 0.4, 1.0}', a.tsv, q.query, 1)::numeric, 4) AS rank,
       ts_headline('english', a.text, q.query, 'MaxWords=25, MinWords=10, StartSel=«, StopSel=»') AS snippet
FROM articles a,
     websearch_to_tsquery('english', '"tornado cash"') AS q(query)
WHERE a.tsv @@ q.query
ORDER BY rank DESC, a.published_at DESC, a.id
LIMIT 20;
